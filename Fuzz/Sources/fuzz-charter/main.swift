import FuzzTargets

FuzzTarget.charter.runLibFuzzer()
