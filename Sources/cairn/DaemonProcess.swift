import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starting, finding and stopping lab daemons with plain POSIX process calls.
enum DaemonProcess {
    /// glibc's `POSIX_SPAWN_SETSID` (since 2.26); Swift does not see it because the header
    /// guards it with `__USE_GNU`.
    private static let spawnSetsid: Int16 = 0x80

    /// The `cairnd` to run: `$CAIRND`, else the one next to this `cairn`, else the first in `$PATH`.
    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let path = environment["CAIRND"], !path.isEmpty {
            guard access(path, X_OK) == 0 else {
                throw CLIError.failure("$CAIRND is \(path), which is not an executable file")
            }
            return path
        }
        if let own = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let sibling = (own as NSString).deletingLastPathComponent + "/cairnd"
            if access(sibling, X_OK) == 0 { return sibling }
        }
        for directory in (environment["PATH"] ?? "").split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/cairnd"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        throw CLIError.failure("cannot find cairnd: set $CAIRND, install it next to cairn, or put it on $PATH")
    }

    /// Starts `executable arguments…` in a new session (so it outlives this process and its
    /// terminal), with standard input from /dev/null and standard output and error appended to
    /// `log`. Returns its pid.
    static func spawnDetached(_ executable: String, _ arguments: [String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // The daemon must not keep any other descriptor this process inherited: a pipe held open
        // would make whoever started `cairn` (a shell's command substitution, a test harness)
        // wait for the daemon to exit before it sees `cairn` finish.
        for descriptor in inheritedDescriptors() where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        #if canImport(Glibc)
            posix_spawnattr_setflags(&attributes, spawnSetsid)
        #endif

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard status == 0 else {
            throw CLIError.failure("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        return pid
    }

    /// The open descriptors of this process, from /proc (else a conservative range).
    private static func inheritedDescriptors() -> [Int32] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else {
            return Array(3..<256)
        }
        return names.compactMap { Int32($0) }.sorted()
    }

    /// Whether `pid` is a live process (a zombie counts as gone).
    static func isAlive(_ pid: pid_t) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }

    /// Whether `pid` runs cairnd with `config` (guards against a pid reused by another program).
    static func runs(_ pid: pid_t, config: String) -> Bool {
        guard isAlive(pid) else { return false }
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return true }
        let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return arguments.contains(config) && arguments.contains { $0.hasSuffix("cairnd") }
    }

    /// Reaps `pid` if it is our child and has exited; returns its exit description if so.
    static func reap(_ pid: pid_t) -> String? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        if status & 0x7f == 0 { return "exited with status \((status >> 8) & 0xff)" }
        return "was killed by signal \(status & 0x7f)"
    }

    /// The pid recorded in `file`, if any.
    static func readPid(_ file: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The last `count` lines of `file`.
    static func tail(_ file: String, lines count: Int = 20) -> [String] {
        guard let handle = FileHandle(forReadingAtPath: file) else { return [] }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > 65_536 ? size - 65_536 : 0
        try? handle.seek(toOffset: start)
        let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        return Array(text.split(separator: "\n").map(String.init).suffix(count))
    }
}
