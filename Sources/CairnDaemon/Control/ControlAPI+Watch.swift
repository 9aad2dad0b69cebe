/// `GET /v1/watch?class=LEVEL`: what is checked before the stream starts.
extension ControlAPI {
    /// The refusal of a watch whose level the site does not know or may not hold (the codes of
    /// `GET /v1/records?class=`: `unknown_level`, `above_clearance`), or nil to start it. Pure:
    /// it reads the site's identity only, so it may run on the event loop.
    func watchRefusal(level: String?, caller: PeerCredentials) -> ControlReply? {
        guard let level else { return nil }
        do {
            try site.records.checkLevel(level)
            return nil
        } catch {
            return failure(error, route: .watch(level: level), caller: caller, record: nil)
        }
    }
}
