import FuzzTargets

FuzzTarget.envelope.runLibFuzzer()
