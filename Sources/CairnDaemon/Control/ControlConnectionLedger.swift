/// Who holds control connections, and whether one more may open: a cap per uid and a cap for
/// all callers together, with a reserve beyond both for root and the daemon's own uid, so that
/// an admin can still run `cairn status` while another uid holds every slot it may. Pure; the
/// daemon keeps one behind a lock in `ControlGate` and asks it when SO_PEERCRED is read.
struct ControlConnectionLedger {
    enum Refusal: String, Equatable, Sendable {
        /// The caller's uid already holds its cap.
        case tooManyForUID = "too_many_for_uid"
        /// All callers together hold the total cap.
        case tooManyConnections = "too_many_connections"
    }

    let limits: ControlLimits
    let daemonUID: UInt32
    private(set) var open: [UInt32: Int] = [:]
    private(set) var total = 0

    init(limits: ControlLimits, daemonUID: UInt32) {
        self.limits = limits
        self.daemonUID = daemonUID
    }

    /// Root and the daemon's uid: the callers that keep the reserve.
    func isAdmin(_ uid: UInt32) -> Bool {
        uid == 0 || uid == daemonUID
    }

    /// Takes a slot for `uid`, or says why not (and takes nothing).
    mutating func admit(uid: UInt32) -> Refusal? {
        let reserve = isAdmin(uid) ? limits.adminReserve : 0
        let held = open[uid, default: 0]
        if held >= limits.maxConnectionsPerUID + reserve { return .tooManyForUID }
        if total >= limits.maxConnections + reserve { return .tooManyConnections }
        open[uid] = held + 1
        total += 1
        return nil
    }

    /// Gives back a slot taken by `admit`; called exactly once per admitted connection.
    mutating func release(uid: UInt32) {
        guard let held = open[uid], held > 0 else {
            assertionFailure("a control connection slot was released twice")
            return
        }
        if held == 1 { open[uid] = nil } else { open[uid] = held - 1 }
        total -= 1
    }
}
