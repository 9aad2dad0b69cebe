import CairnProtocol

/// A reconcile error's cases carry only names of the format's parts, counts and limits, never
/// item bytes; still, only the code reaches a log.
extension ReconcileError: LoggableError {
    var logCode: String { "reconcile.\(code)" }
}
