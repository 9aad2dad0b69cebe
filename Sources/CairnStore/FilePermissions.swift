#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps the database and its WAL companions readable by the daemon's user only.
///
/// SQLite creates `-wal` and `-shm` with the permissions of the main file, so creating the main
/// file as 0600 before SQLite touches it covers all three from the first byte; `tighten` repairs
/// files that an older or careless setup left more open.
enum FilePermissions {
    /// Owner read and write, nothing for group or others.
    static let ownerOnly: mode_t = 0o600

    /// The files SQLite keeps for a WAL database at `path`.
    static func databaseFiles(_ path: String) -> [String] {
        [path, path + "-wal", path + "-shm"]
    }

    /// Creates an empty file at `path` with mode 0600 unless one exists; SQLite treats an empty
    /// file as a new database.
    static func createOwnerOnlyFile(_ path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, ownerOnly)
        guard descriptor >= 0 else {
            throw StoreError.cannotOpen(path: path, detail: String(cString: strerror(errno)))
        }
        close(descriptor)
    }

    /// Removes group and other permissions from each existing file among `paths`.
    static func tighten(_ paths: [String]) throws {
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0 else {
                continue  // not there (yet): nothing to tighten
            }
            guard info.st_mode & 0o077 != 0 else {
                continue
            }
            guard chmod(path, info.st_mode & 0o700) == 0 else {
                throw StoreError.cannotOpen(
                    path: path, detail: "cannot restrict permissions: " + String(cString: strerror(errno)))
            }
        }
    }

    /// The permission bits of `path`, for tests and diagnostics.
    static func mode(of path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return nil
        }
        return info.st_mode & 0o777
    }

    /// The size in bytes of `path`, or 0 when it does not exist.
    static func size(of path: String) -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return 0
        }
        return Int64(info.st_size)
    }
}
