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
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw DaemonError.startup("the state directory \(path) is not a directory")
        }
        let mode = UInt32(info.st_mode) & 0o777
        guard mode & 0o077 == 0 else {
            throw DaemonError.insecurePermissions(path: path, mode: mode, expected: "0700 (no access for group or others)")
        }
        guard info.st_uid == getuid() else {
            throw DaemonError.startup("the state directory \(path) is owned by uid \(info.st_uid), not by this daemon's uid \(getuid())")
        }
    }
}
