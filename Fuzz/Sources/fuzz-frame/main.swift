import FuzzTargets

FuzzTarget.frame.runLibFuzzer()
