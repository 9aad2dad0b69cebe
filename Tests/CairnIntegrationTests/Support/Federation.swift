import CairnControl
import CairnTestSupport
import Foundation

/// Real `cairnd` processes of the deterministic test federation (`Keys/test`), one per device,
/// listening for sync on free loopback ports and, when meshed, each dialling every other one.
///
/// Tests own the value: `shutdown()` (in a `defer` right after creation) stops every daemon
/// and removes every directory, whatever the test's outcome.
final class Federation: @unchecked Sendable {
    // @unchecked: members' daemons are started and stopped by the test's own thread only;
    // other threads use the Sendable `ControlClient`s.

    /// How the daemons are configured.
    struct Options {
        /// `[sync] anti_entropy_seconds`. Keep it at 2 or more: a peer sending more than 12
        /// summaries a minute is refused as flooding (see SyncAntiEntropyTests).
        var antiEntropySeconds = 2
        var handshakeTimeoutSeconds = 2
        var idleTimeoutSeconds = 120
        /// Whether `[peers]` lists every other member; otherwise `connectMesh()` adds them at run time.
        var meshed = true
        /// Lines under `[control]` in every member's configuration.
        var extraControl: [String] = []
    }

    /// One device of the federation and its daemon.
    final class Member: @unchecked Sendable {
        let device: String
        let clearance: String
        let site: SiteDirectory
        let port: UInt16
        fileprivate(set) var daemon: DaemonProcess?

        init(device: String, clearance: String, site: SiteDirectory, port: UInt16) {
            self.device = device
            self.clearance = clearance
            self.site = site
            self.port = port
        }

        /// The name other members give it in `[peers]` ("alpha/hq" → "alpha-hq").
        var peerName: String { Federation.peerName(device) }
        var address: String { "127.0.0.1:\(port)" }
        var client: ControlClient { ControlClient(socketPath: site.socket, timeout: 30) }
    }

    /// The charter's levels, lowest first.
    static let levels = ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET"]

    let members: [Member]
    let options: Options

    /// Writes a site directory per device and starts every daemon (in the order given).
    init(devices: [String], options: Options = Options()) throws {
        self.options = options
        let ports = try FederationPorts.free(count: devices.count)
        var members: [Member] = []
        do {
            for (device, port) in zip(devices, ports) {
                guard let clearance = TestKeys.devices.first(where: { $0.ref == device })?.clearance else {
                    throw TestFailure("\(device) is not a device of Keys/test")
                }
                let peers = options.meshed ? zip(devices, ports).filter { $0.0 != device } : []
                let sections = """
                    [sync]
                    listen = "127.0.0.1:\(port)"
                    anti_entropy_seconds = \(options.antiEntropySeconds)
                    handshake_timeout_seconds = \(options.handshakeTimeoutSeconds)
                    idle_timeout_seconds = \(options.idleTimeoutSeconds)

                    [peers]
                    \(peers.map { "\(Self.peerName($0.0)) = \"127.0.0.1:\($0.1)\"" }.joined(separator: "\n"))

                    """
                let site = try SiteDirectory(device: device, extraControl: options.extraControl, extraSections: sections)
                members.append(Member(device: device, clearance: clearance, site: site, port: port))
            }
            self.members = members
        } catch {
            for member in members { member.site.remove() }
            throw error
        }
        do {
            for member in members { try start(member.device) }
        } catch {
            shutdown()
            throw error
        }
    }

    static func peerName(_ device: String) -> String { device.replacing("/", with: "-") }

    /// Whether a device of `clearance` may hold `level`.
    static func isCleared(_ clearance: String, for level: String) -> Bool {
        guard let held = levels.firstIndex(of: clearance), let wanted = levels.firstIndex(of: level) else {
            return false
        }
        return wanted <= held
    }

    func member(_ device: String) -> Member {
        guard let member = members.first(where: { $0.device == device }) else {
            fatalError("\(device) is not in this federation")
        }
        return member
    }

    func client(_ device: String) -> ControlClient { member(device).client }

    /// The members cleared for `level`.
    func cleared(for level: String) -> [Member] {
        members.filter { Self.isCleared($0.clearance, for: level) }
    }

    /// Starts the daemon of `device` (again), waiting until its control socket answers.
    func start(_ device: String) throws {
        let member = member(device)
        guard member.daemon?.isRunning != true else { return }
        member.daemon = try DaemonProcess(site: member.site)
    }

    /// Stops the daemon of `device` with `signal`; returns its exit status.
    @discardableResult
    func stop(_ device: String, signal: Int32 = SIGTERM) throws -> Int32 {
        let member = member(device)
        guard let daemon = member.daemon else { throw TestFailure("\(device) is not running") }
        defer { member.daemon = nil }
        return try daemon.stop(signal: signal)
    }

    /// Adds every other member as a peer of each, at run time (for a federation started with
    /// `meshed = false`).
    func connectMesh() throws {
        for member in members {
            for other in members where other !== member {
                _ = try member.client.addPeer(AddPeerRequest(name: other.peerName, address: other.address))
            }
        }
    }

    /// Waits until every running member reports every other running member connected.
    func waitUntilConnected(timeout: TimeInterval = 15) throws {
        let running = members.filter { $0.daemon != nil }
        try FederationWait.until("every peer connected", timeout: timeout) {
            for member in running {
                let peers = try member.client.peers().peers
                for other in running where other !== member {
                    let connected = peers.contains { $0.connected && $0.device == other.device }
                    if !connected { return "\(member.device) is not connected to \(other.device)" }
                }
            }
            return nil
        }
    }

    /// Every daemon's log, for failure messages.
    func logs() -> String {
        members.map {
            "--- \($0.device) ---\n" + ((try? String(contentsOfFile: $0.site.log, encoding: .utf8)) ?? "(no log)")
        }
        .joined(separator: "\n")
    }

    /// Stops every daemon (SIGKILL after a grace period) and removes every directory.
    func shutdown() {
        for member in members {
            if let daemon = member.daemon { _ = try? daemon.stop(timeout: 10) }
            member.daemon = nil
            member.site.remove()
        }
    }
}
