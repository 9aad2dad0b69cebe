import FuzzTargets

FuzzTarget.certificate.runLibFuzzer()
