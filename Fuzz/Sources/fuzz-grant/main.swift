import FuzzTargets

FuzzTarget.grant.runLibFuzzer()
