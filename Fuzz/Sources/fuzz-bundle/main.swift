import FuzzTargets

FuzzTarget.bundle.runLibFuzzer()
