extension ReconcileSession {
    /// The length of the salt `initiate` takes.
    public static let saltLength = ReconcileIndex.saltLength

    /// Handles one message the caller already decoded (with `ReconcileMessage.decode` and this
    /// session's limits) to route it by set, session and round: the same checks as
    /// `receive(_ bytes:)`, without parsing the bytes twice. `size` is the encoded length,
    /// counted against the session's byte budget.
    public mutating func receive(_ message: ReconcileMessage, size: Int) throws(ReconcileError) -> ReconcileOutput {
        guard phase == .open else { throw .sessionOver }
        do {
            try count(received: size)
            return try handle(message)
        } catch {
            phase = .failed
            throw error
        }
    }
}
