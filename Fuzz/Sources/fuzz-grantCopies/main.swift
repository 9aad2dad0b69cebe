import FuzzTargets

FuzzTarget.grantCopies.runLibFuzzer()
