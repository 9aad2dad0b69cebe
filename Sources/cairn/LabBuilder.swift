import CairnControl
import CairnTrust
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a lab directory from a plan: keys, charter, certificates, configurations, manifest.
///
/// Everything is checked before the first file is written (socket path lengths, the directory
/// being empty), and a failure part-way removes what was written, so a lab is made whole or
/// not at all.
struct LabBuilder {
    let plan: LabPlan
    let paths: LabPaths

    /// The longest Unix socket path (108-byte `sun_path` less the NUL).
    static let maxSocketPathBytes = 107
    /// How long lab certificates are valid.
    static let certificateDays: Int64 = 365

    func build() throws -> LabManifest {
        for device in plan.devices {
            let socket = paths.resolve(device.directoryName + "/cairnd.sock")
            guard socket.utf8.count <= Self.maxSocketPathBytes else {
                throw CLIError.usage(
                    "the control socket \(socket) would be \(socket.utf8.count) bytes long, over the "
                        + "\(Self.maxSocketPathBytes)-byte limit of Unix socket paths; choose a shorter lab directory")
            }
        }
        let createdRoot = try prepareRoot()
        do {
            return try write()
        } catch {
            removeContents(includingRoot: createdRoot)
            throw error
        }
    }

    /// Creates the root, or checks that it is an empty directory; returns whether it was created.
    private func prepareRoot() throws -> Bool {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: paths.root, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw CLIError.failure("\(paths.root) exists and is not a directory") }
            let entries = try FileManager.default.contentsOfDirectory(atPath: paths.root)
            guard entries.isEmpty else {
                throw CLIError.failure("\(paths.root) is not empty; a lab is created only in a new or empty directory")
            }
            return false
        }
        try FileManager.default.createDirectory(atPath: paths.root, withIntermediateDirectories: true)
        return true
    }

    private func write() throws -> LabManifest {
        let now = Ceremony.now
        try makePrivateDirectory(paths.resolve("agencies"))
        var rootKeys: [AgencyRootKey] = []
        var agencies: [LabManifest.Agency] = []
        for agency in plan.agencies {
            let key = AgencyRootKey.generate(name: agency.name)
            let keyFile = "agencies/\(agency.name.value).key"
            try key.write(to: paths.resolve(keyFile), passphrase: nil)
            rootKeys.append(key)
            agencies.append(
                LabManifest.Agency(
                    name: agency.name.value, ceiling: agency.ceiling, publicKey: Ceremony.hex(key.publicKey.bytes),
                    keyFile: keyFile))
        }

        let threshold = min(2, plan.agencies.count)
        var draft = try Charter.make(
            federationName: "lab", levels: plan.levels,
            agencies: plan.agencies.map { agency in
                AgencyInfo(
                    name: agency.name, rootKey: rootKeys.first { $0.name == agency.name }!.publicKey,
                    ceiling: agency.ceiling)
            },
            threshold: threshold, issuedAt: now)
        for key in rootKeys.prefix(threshold) { draft = try draft.sign(with: key) }
        let charter = try Charter.verifyGenesis(draft.signed)
        try charter.signed.write(to: paths.resolve("charter.cairn"))

        let ports = try LoopbackPorts.free(count: plan.devices.count)
        var devices: [LabManifest.Device] = []
        // Every pair of sites is peered: each site dials every other one.
        let everyone = zip(plan.devices, ports).map { (name: $0.0.directoryName, listen: "127.0.0.1:\($0.1)") }
        for (device, port) in zip(plan.devices, ports) {
            let rootKey = rootKeys.first { $0.name == device.ref.agency }!
            let peers = everyone.filter { $0.name != device.directoryName }
            devices.append(try writeDevice(device, port: port, peers: peers, rootKey: rootKey, charter: charter, now: now))
        }

        let manifest = LabManifest(
            format: LabManifest.formatName, created: Ceremony.iso(now),
            federation: LabManifest.Federation(
                name: charter.federationName, id: charter.federationIDHex, charter: "charter.cairn",
                fingerprint: charter.fingerprintHex, threshold: threshold, levels: charter.levels.names),
            agencies: agencies, devices: devices)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(manifest).write(to: URL(fileURLWithPath: paths.resolve(LabManifest.fileName)))
        return manifest
    }

    private func writeDevice(
        _ device: LabPlan.Device, port: UInt16, peers: [(name: String, listen: String)], rootKey: AgencyRootKey,
        charter: Charter, now: Int64
    ) throws -> LabManifest.Device {
        let dir = device.directoryName
        try makePrivateDirectory(paths.resolve(dir))
        try makePrivateDirectory(paths.resolve(dir + "/state"))
        let keys = DeviceSecretKeys.generate()
        try keys.write(to: paths.resolve(dir + "/device.keys"), passphrase: nil)
        let request = try CertificationRequest.verify(
            CertificationRequest.create(
                keys: keys, agency: device.ref.agency, device: device.ref.device, createdAt: now))
        let certificate = try DeviceCertificate.issue(
            request: request, agencyKey: rootKey, charter: charter, clearance: device.clearance,
            notBefore: now - 300, notAfter: now + Self.certificateDays * 86_400)
        try certificate.write(to: paths.resolve(dir + "/device.cert"))
        try charter.signed.write(to: paths.resolve(dir + "/charter.cairn"))
        let listen = "127.0.0.1:\(port)"
        let config = """
            # cairnd configuration for lab device \(device.ref), written by `cairn lab create`.
            # Relative paths are relative to this file. Test mode: lab keys protect nothing.

            [device]
            keys = "device.keys"
            certificate = "device.cert"
            charter = "charter.cairn"

            [store]
            state_dir = "state"

            [control]
            socket = "cairnd.sock"

            [sync]
            listen = "\(listen)"
            # Labs reconcile often, so that a restarted site catches up within seconds.
            anti_entropy_seconds = 5

            [peers]
            \(peers.map { "\($0.name) = \"\($0.listen)\"" }.joined(separator: "\n"))

            [daemon]
            test_mode = true
            log_level = "info"

            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: paths.resolve(dir + "/cairnd.toml")))
        return LabManifest.Device(
            ref: device.ref.description, agency: device.ref.agency.value, name: device.ref.device.value,
            clearance: device.clearance, id: Ceremony.hex(keys.signing.publicKey.bytes), dir: dir,
            config: dir + "/cairnd.toml", socket: dir + "/cairnd.sock", syncListen: listen, log: dir + "/cairnd.log",
            pidFile: dir + "/cairnd.pid")
    }

    /// Creates a directory with mode exactly 0700, whatever the umask.
    private func makePrivateDirectory(_ path: String) throws {
        guard mkdir(path, 0o700) == 0, chmod(path, 0o700) == 0 else {
            throw CLIError.failure("cannot create \(path): \(String(cString: strerror(errno)))")
        }
    }

    private func removeContents(includingRoot: Bool) {
        if includingRoot {
            try? FileManager.default.removeItem(atPath: paths.root)
        } else {
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: paths.root)) ?? [] {
                try? FileManager.default.removeItem(atPath: paths.resolve(entry))
            }
        }
    }
}
