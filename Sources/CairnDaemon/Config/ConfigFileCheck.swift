import Foundation

/// Who may change what the daemon trusts. The configuration file decides whose requests are
/// obeyed and which keys are loaded, so a file that another user can write hands them the
/// daemon; a device key file (or passphrase file) owned by another user is theirs to read or
/// replace. Both `--check-config` and start-up run these checks (through `DaemonConfig.load`).
enum ConfigFileCheck {
    /// Reads the configuration file, refusing one writable by group or others, or owned by
    /// anyone but root and the daemon's uid. The checks look at the opened file (fstat), so the
    /// file read is the file checked.
    static func readConfiguration(_ path: String, daemonUID: uid_t = getuid()) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path, "cannot read the file: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure(path, "cannot inspect the file: \(String(cString: strerror(errno)))") }
        guard info.st_mode & S_IFMT == S_IFREG else { throw failure(path, "not a regular file") }
        let mode = UInt32(info.st_mode) & 0o7777
        if mode & 0o022 != 0 {
            throw failure(
                path,
                "the file is writable by its group or by others (mode \(octal(mode))), so they could take over the daemon; run: chmod go-w \(path)")
        }
        if info.st_uid != 0 && info.st_uid != daemonUID {
            throw failure(
                path,
                "the file is owned by uid \(info.st_uid), neither root nor the daemon's uid \(daemonUID), so that user could rewrite it; run: chown root \(path)")
        }
        guard Int(info.st_size) <= TOMLParser.maxBytes else {
            throw failure(path, "the file is larger than \(TOMLParser.maxBytes) bytes")
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
        let data: Data
        do {
            data = try handle.readToEnd() ?? Data()
        } catch {
            throw failure(path, "cannot read the file: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw failure(path, "the file is not UTF-8 text") }
        return text
    }

    /// Problems with the secret files `config` names (device keys, passphrase file): each
    /// must be owned by the daemon's uid and closed to group and others. A file that does not
    /// exist yet is left to start-up, which says so when it loads the keys.
    static func secretFileProblems(_ config: DaemonConfig, daemonUID: uid_t = getuid()) -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        var secrets = [("device.keys", config.deviceKeys, "device keys")]
        if let passphrase = config.passphraseFile { secrets.append(("device.passphrase_file", passphrase, "passphrase")) }
        for (key, path, what) in secrets {
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            let mode = UInt32(info.st_mode) & 0o7777
            if info.st_uid != daemonUID {
                problems.append(
                    ConfigProblem(
                        line: 0, key: key,
                        message: "\(path) is owned by uid \(info.st_uid), not by the daemon's uid \(daemonUID), so that user could read or replace the \(what); run: chown \(daemonUID) \(path) (and run cairnd, and --check-config, as that user)"
                    ))
            } else if mode & 0o077 != 0 {
                problems.append(
                    ConfigProblem(
                        line: 0, key: key,
                        message: "\(path) has mode \(octal(mode)); the \(what) must be open to their owner only: run: chmod 600 \(path)"))
            }
        }
        return problems
    }

    private static func failure(_ path: String, _ message: String) -> DaemonError {
        .config(path: path, problems: [ConfigProblem(line: 0, key: nil, message: message)])
    }

    private static func octal(_ mode: UInt32) -> String {
        "0" + String(mode, radix: 8)
    }
}
