import CairnModel
import CairnProtocol
import CairnTrust
import Foundation
import Glibc
import Synchronization

/// The audit log's head, signed by the device and kept outside the store: the file
/// `audit-anchor` in the state directory (`AuditAnchorFile`: two slots), rewritten after every
/// commit group that appended audit entries. A log whose table ends before the anchored head,
/// or holds another entry at its sequence number, lost its tail (see `AuditStartCheck`).
///
/// The head is written after the group's SQLite transaction is durable, so the anchor may lag
/// the table (by the last group, after a crash) but never lead it. Each write overwrites the
/// older of the two slots in place, without an fsync: measured on this project's machines, an
/// fsync per group cost 2.4 times the group's own commit, and a write-and-rename a quarter more,
/// while an in-place write cost nothing measurable (Docs/ThreatModel.md, "The audit anchor").
/// A crash can damage only the slot being written; the other holds the previous head. The file
/// is created durably (file and directory synced) before the store records that it has one,
/// and synced again at a graceful stop.
final class AuditAnchor: Sendable {
    static let fileName = "audit-anchor"
    /// Meta key set once an anchor was durably written: from then on a missing anchor file is
    /// a break, not a store made by an earlier version.
    static let writtenMetaKey = "audit.anchor-written"

    /// The file, or nil for a store in memory (tests): heads are still signed, for peers.
    let path: String?
    private let keys: DeviceSecretKeys

    private struct State {
        var latest: AuditHead?
        var failure: String?
        /// The open file and the slot the next head goes to.
        var descriptor: Int32?
        var nextSlot = 0
    }

    /// Guards the file too: heads are written by the commit group's leader (one at a time),
    /// and at start and stop.
    private let state = Mutex(State())

    init(directory: String?, keys: DeviceSecretKeys) {
        self.path = directory.map { $0 + "/" + Self.fileName }
        self.keys = keys
    }

    deinit {
        state.withLock { state in
            if let descriptor = state.descriptor { close(descriptor) }
        }
    }

    /// The newest head signed (what peers are sent); nil before the first.
    var latest: AuditHead? { state.withLock { $0.latest } }
    /// Why the last write failed, while the anchor lags because of it.
    var failure: String? { state.withLock { $0.failure } }

    /// What the file holds.
    enum Reading: Sendable {
        case missing
        /// Not an anchor file, or no slot holds a head this device signed.
        case unreadable(String)
        /// The newest head this device signed among the slots.
        case head(AuditHead)
    }

    func read() -> Reading {
        guard let path else { return .missing }
        let slots: [AuditAnchorFile.Slot]
        switch Self.contents(path) {
        case .failure(let error) where error.code == ENOENT:
            return .missing
        case .failure(let error):
            return .unreadable("\(error)")
        case .success(let bytes):
            do {
                slots = try AuditAnchorFile.parse(bytes)
            } catch {
                return .unreadable("\(error)")
            }
        }
        let heads = slots.compactMap { slot -> AuditHead? in
            guard case .head(let head) = slot, head.isValid(for: keys.deviceID) else { return nil }
            return head
        }
        guard let newest = heads.max(by: { $0.seq < $1.seq }) else {
            return .unreadable("no slot holds a head signed by this device")
        }
        return .head(newest)
    }

    /// Signs `(seq, hash)` and writes it to the older slot. `durable`: fsync it too (the first
    /// anchor of a store, and the last at a graceful stop).
    @discardableResult
    func publish(seq: Int64, hash: [UInt8], durable: Bool = false) throws -> AuditHead {
        let head = try AuditHead.sign(
            seq: UInt64(seq), hash: hash, signedAt: UInt64(Date().timeIntervalSince1970 * 1000), keys: keys)
        try state.withLock { state in
            do {
                if let path { try write(head, to: path, durable: durable, state: &state) }
                if (state.latest?.seq ?? 0) <= head.seq { state.latest = head }
                state.failure = nil
            } catch {
                state.failure = "\(error)"
                throw error
            }
        }
        return head
    }

    private func write(_ head: AuditHead, to path: String, durable: Bool, state: inout State) throws {
        // Two stat calls per group: an anchor removed or replaced while the daemon runs is made
        // again at once (the table is checked against memory meanwhile, so nothing is lost).
        if state.descriptor == nil || Self.replaced(path, descriptor: state.descriptor!) {
            if let old = state.descriptor { close(old) }
            state.descriptor = nil
            (state.descriptor, state.nextSlot) = try open(path)
        }
        let descriptor = state.descriptor!
        let slot = AuditAnchorFile.slot(head)
        let offset = off_t(state.nextSlot * AuditAnchorFile.slotLength)
        let written = slot.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, offset) }
        guard written == slot.count else { throw AnchorWriteError("write \(path)", written < 0 ? errno : EIO) }
        state.nextSlot = (state.nextSlot + 1) % AuditAnchorFile.slotCount
        if durable, fsync(descriptor) != 0 { throw AnchorWriteError("sync \(path)", errno) }
    }

    /// Opens the anchor file, creating it (durably, empty slots) when it is missing or is not
    /// an anchor file; returns the slot to write first: the one not holding the newest head.
    private func open(_ path: String) throws -> (Int32, Int) {
        if case .success(let bytes) = Self.contents(path), let slots = try? AuditAnchorFile.parse(bytes) {
            let seqs = slots.map { slot -> UInt64 in
                guard case .head(let head) = slot, head.isValid(for: keys.deviceID) else { return 0 }
                return head.seq
            }
            let descriptor = Glibc.open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
            guard descriptor >= 0 else { throw AnchorWriteError("open \(path)", errno) }
            return (descriptor, seqs[0] <= seqs[1] ? 0 : 1)
        }
        try Self.create(path)
        let descriptor = Glibc.open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { throw AnchorWriteError("open \(path)", errno) }
        return (descriptor, 0)
    }

    /// Writes an anchor file of empty slots beside `path`, syncs it, renames it over `path`
    /// and syncs the directory: afterwards the file exists at its full length, so later
    /// in-place writes never change its size.
    private static func create(_ path: String) throws {
        let temporary = path + ".tmp"
        let descriptor = Glibc.open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw AnchorWriteError("create \(temporary)", errno) }
        defer { close(descriptor) }
        let zeros = [UInt8](repeating: 0, count: AuditAnchorFile.length)
        let written = zeros.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == zeros.count else { throw AnchorWriteError("write \(temporary)", written < 0 ? errno : EIO) }
        guard fsync(descriptor) == 0 else { throw AnchorWriteError("sync \(temporary)", errno) }
        guard rename(temporary, path) == 0 else { throw AnchorWriteError("rename \(temporary)", errno) }
        let directory = (path as NSString).deletingLastPathComponent
        let directoryDescriptor = Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryDescriptor >= 0 else { throw AnchorWriteError("open \(directory)", errno) }
        defer { close(directoryDescriptor) }
        guard fsync(directoryDescriptor) == 0 else { throw AnchorWriteError("sync \(directory)", errno) }
    }

    /// Whether `path` no longer names the file open as `descriptor` (removed or replaced while
    /// the daemon ran).
    private static func replaced(_ path: String, descriptor: Int32) -> Bool {
        var open = stat()
        var named = stat()
        guard fstat(descriptor, &open) == 0, lstat(path, &named) == 0 else { return true }
        return open.st_ino != named.st_ino || open.st_dev != named.st_dev
    }

    /// The file's bytes, at most one more than an anchor file holds (enough to refuse a longer one).
    private static func contents(_ path: String) -> Result<[UInt8], AnchorWriteError> {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return .failure(AnchorWriteError("open \(path)", errno)) }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: AuditAnchorFile.length + 1)
        var count = 0
        while count < bytes.count {
            let got = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if got < 0, errno == EINTR { continue }
            guard got >= 0 else { return .failure(AnchorWriteError("read \(path)", errno)) }
            if got == 0 { break }
            count += got
        }
        return .success(Array(bytes.prefix(count)))
    }
}

/// A failed access to the anchor file: what, and the system's reason.
struct AnchorWriteError: Error, CustomStringConvertible {
    let step: String
    let code: Int32

    init(_ step: String, _ code: Int32) {
        self.step = step
        self.code = code
    }

    var description: String { "cannot \(step): \(String(cString: strerror(code)))" }
}
