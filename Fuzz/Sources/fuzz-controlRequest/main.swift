import FuzzTargets

FuzzTarget.controlRequest.runLibFuzzer()
