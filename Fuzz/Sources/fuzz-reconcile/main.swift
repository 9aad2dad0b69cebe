import FuzzTargets

FuzzTarget.reconcile.runLibFuzzer()
