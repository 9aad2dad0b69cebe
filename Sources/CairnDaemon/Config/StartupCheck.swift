import CairnCrypto
import CairnTrust
import Foundation
import NIOCore

/// Everything a start needs that can be checked without creating or writing anything: the state
/// directory, the control socket's directory, the device keys and their passphrase, the charter
/// and certificate files, and the sync address. `--check-config` and start-up both run it after
/// the configuration file itself, and report every problem at once: an admin starting by hand
/// fixes them in one pass, not one failed start each (issue 17).
///
/// What needs the store is left to start-up (the charter history a store holds, the device the
/// store belongs to): it runs only once all of this passed.
///
/// Run by hand before the unit ever started (`forStart` false), three things may be missing that
/// systemd provides to the service (the state and socket directories, `StateDirectory=` and
/// `RuntimeDirectory=`, and the passphrase credential, `LoadCredential=`): the check then says so
/// in `notes` and does not fail on them. At start they are problems.
enum StartupCheck {
    struct Outcome {
        var problems: [ConfigProblem] = []
        /// What could not be checked here and will be at start.
        var notes: [String] = []
        /// The device keys when they opened (start-up goes on with them rather than deriving the
        /// passphrase's key a second time).
        var keys: DeviceSecretKeys?
    }

    static func run(_ config: DaemonConfig, forStart: Bool, daemonUID: uid_t = getuid()) -> Outcome {
        var outcome = Outcome()
        func add(_ key: String, _ message: String) { outcome.problems.append(ConfigProblem(line: 0, key: key, message: message)) }
        /// A problem at start; before, only a note when systemd would provide what is missing.
        func addOrNote(_ key: String, _ message: String, providedBySystemd: Bool) {
            if forStart || !providedBySystemd {
                add(key, message)
            } else {
                outcome.notes.append("\(key): \(message) (not a problem if the systemd unit provides it; the start checks again)")
            }
        }

        if let problem = stateDirectoryProblem(config.stateDirectory, daemonUID: daemonUID) {
            addOrNote("store.state_dir", problem, providedBySystemd: !FileManager.default.fileExists(atPath: config.stateDirectory))
        }
        if let problem = socketProblem(config.socketPath) {
            let directory = (config.socketPath as NSString).deletingLastPathComponent
            addOrNote("control.socket", problem, providedBySystemd: !FileManager.default.fileExists(atPath: directory))
        }

        var passphrase: SecureBytes?
        var passphraseOK = true
        if let path = passphrasePath(config) {
            do {
                passphrase = try PassphraseInput.read(path: path)
            } catch {
                passphraseOK = false
                add("device.passphrase_file", "\(error) (as uid \(daemonUID))")
            }
        }
        var keys: DeviceSecretKeys?
        if passphraseOK {
            do {
                keys = try DeviceSecretKeys.load(from: config.deviceKeys, passphrase: passphrase)
            } catch TrustError.passphraseRequired where passphrase == nil {
                addOrNote(
                    "device.keys", "\(config.deviceKeys) is sealed and no passphrase is given here (device.passphrase_file, or the "
                        + "unit's LoadCredential=device-passphrase)", providedBySystemd: true)
            } catch {
                add("device.keys", "\(config.deviceKeys): \(error)")
            }
        }
        outcome.keys = keys
        var charter: Charter?
        do {
            let signed = try SignedObject.read(from: config.charter, kind: .charter)
            // A first charter verifies on its own (a bad one is a problem here); an amendment is
            // judged against the history the store holds, at start-up.
            if try CharterDraft.inspect(signed).version == 1 {
                let genesis = try Charter.verifyGenesis(signed, expectedFingerprint: config.charterFingerprint)
                try TestKeyRegistry.check(genesis, testMode: config.testMode)
                charter = genesis
            }
        } catch {
            add("device.charter", "\(config.charter): \(error)")
        }
        do {
            let signed = try SignedObject.read(from: config.certificate, kind: .certificate)
            if let charter {
                let certificate = try DeviceCertificate.verify(signed, charter: charter, now: Int64(Date().timeIntervalSince1970))
                if let keys { try certificate.requireMatches(keys) }
                try TestKeyRegistry.check(certificate, testMode: config.testMode)
            }
        } catch {
            add("device.certificate", "\(config.certificate): \(error)")
        }
        if let keys {
            do {
                try TestKeyRegistry.check(keys, testMode: config.testMode)
            } catch {
                add("device.keys", "\(error)")
            }
        }
        if let listen = config.syncListen, let address = ListenAddress(listen), let problem = bindProblem(address) {
            add("sync.listen", "cannot listen for sync on \(listen): \(problem)")
        }
        return outcome
    }

    /// Where the device keys' passphrase is read from: `device.passphrase_file`, else the
    /// systemd credential `device-passphrase` when the unit passes one, else nowhere (the key
    /// file is not sealed). Start-up (`SiteLoader`) reads the same place.
    static func passphrasePath(_ config: DaemonConfig) -> String? {
        if let file = config.passphraseFile { return file }
        guard let directory = ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"] else { return nil }
        let path = directory + "/device-passphrase"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// The rules `StateDirectory.prepare` enforces, without creating the directory: an existing
    /// one must pass `StateDirectory.problem`; a missing one must be creatable.
    static func stateDirectoryProblem(_ path: String, daemonUID: uid_t) -> String? {
        var info = stat()
        if stat(path, &info) != 0 {
            guard errno == ENOENT else { return "cannot inspect \(path): \(errnoText())" }
            let parent = (path as NSString).deletingLastPathComponent
            guard access(parent.isEmpty ? "." : parent, W_OK | X_OK) == 0 else {
                return "\(path) does not exist and cannot be created in \(parent): \(errnoText())"
            }
            return nil
        }
        return StateDirectory.problem(path, info, daemonUID: daemonUID).map { "\($0)" }
    }

    /// The control socket is made in its directory: it must exist and be writable.
    static func socketProblem(_ path: String) -> String? {
        // The socket is first bound under a name 4 bytes longer (`ControlServer`).
        if (path + ".new").utf8.count >= SocketFile.maxPathBytes {
            return "\(path) is too long for a Unix socket (at most \(SocketFile.maxPathBytes - 5) bytes)"
        }
        let directory = (path as NSString).deletingLastPathComponent
        var info = stat()
        guard stat(directory.isEmpty ? "." : directory, &info) == 0 else {
            return "the socket's directory \(directory) cannot be used: \(errnoText()); create it (systemd's RuntimeDirectory= does)"
        }
        guard access(directory.isEmpty ? "." : directory, W_OK | X_OK) == 0 else {
            return "the socket's directory \(directory) is not writable by the daemon: \(errnoText())"
        }
        return nil
    }

    /// Binds a throw-away socket to the address and closes it: what would make the real bind fail
    /// (a privileged port, an address not on this machine, a port in use) shows here.
    static func bindProblem(_ address: ListenAddress) -> String? {
        let socketAddress: SocketAddress
        do {
            socketAddress = try SocketAddress(ipAddress: address.host, port: address.port)
        } catch {
            // A host name, resolved by the real bind.
            return nil
        }
        let family = socketAddress.protocol == .inet6 ? AF_INET6 : AF_INET
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return "cannot make a socket: \(errnoText())" }
        defer { close(fd) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = socketAddress.withSockAddr { pointer, size in Glibc.bind(fd, pointer, socklen_t(size)) }
        guard bound == 0 else {
            let code = errno
            let hint =
                code == EACCES ? "; ports below 1024 need CAP_NET_BIND_SERVICE (AmbientCapabilities= in the unit)"
                : code == EADDRINUSE ? "; another process listens there (ss -ltnp)" : code == EADDRNOTAVAIL ? "; no interface has that address" : ""
            return errnoText(code) + hint
        }
        return nil
    }

    private static func errnoText(_ code: Int32 = errno) -> String {
        "\(String(cString: strerror(code))) (errno \(code))"
    }
}
