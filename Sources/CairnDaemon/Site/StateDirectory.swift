import Foundation

/// The state directory holds the store and nothing in it may be readable by others: it is
/// created 0700, and an existing one with group or other bits set is refused.
enum StateDirectory {
    static func prepare(_ path: String) throws {
        var info = stat()
        if stat(path, &info) != 0 {
            guard errno == ENOENT else {
                throw DaemonError.startup("cannot inspect the state directory \(path): \(String(cString: strerror(errno)))")
            }
            guard mkdir(path, 0o700) == 0 else {
                throw DaemonError.startup("cannot create the state directory \(path): \(String(cString: strerror(errno)))")
            }
            return
        }
        if let problem = problem(path, info, daemonUID: getuid()) { throw problem }
    }

    /// What is wrong with the existing state directory `path` (as `info` describes it), or nil:
    /// the rules of `prepare`, which the start-up check applies too, before anything is made.
    static func problem(_ path: String, _ info: stat, daemonUID: uid_t) -> DaemonError? {
        guard info.st_mode & S_IFMT == S_IFDIR else {
            return DaemonError.startup("the state directory \(path) is not a directory")
        }
        let mode = UInt32(info.st_mode) & 0o777
        guard mode & 0o077 == 0 else {
            return DaemonError.insecurePermissions(path: path, mode: mode, expected: "0700 (no access for group or others)")
        }
        guard info.st_uid == daemonUID else {
            return DaemonError.startup(
                "the state directory \(path) is owned by uid \(info.st_uid), not by this daemon's uid \(daemonUID); run: chown \(daemonUID) \(path)")
        }
        return nil
    }
}
