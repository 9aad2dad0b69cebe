import FuzzTargets

FuzzTarget.auditAnchor.runLibFuzzer()
