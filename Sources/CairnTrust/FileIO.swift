import CairnModel
import CairnCrypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file operations key ceremonies need, done with POSIX calls so that the mode of a new
/// file is set when it is created (never widened, then narrowed) and checked on the open file
/// descriptor (no race between a check and a read).
enum FileIO {
    /// The largest file read; every Cairn trust file is far smaller.
    static let maxFileBytes = 1 << 20

    /// Creates `path` with `mode`, refusing to replace any existing file or symlink.
    static func createExclusive(_ path: String, contents: [UInt8], mode: mode_t) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else {
            if errno == EEXIST { throw TrustError.fileExists(path: path) }
            throw failure(path, "create")
        }
        do {
            defer { close(fd) }
            // The umask may have narrowed the mode; set exactly what was asked.
            guard fchmod(fd, mode) == 0 else { throw failure(path, "set the mode of") }
            try writeAll(fd, contents, path)
            guard fsync(fd) == 0 else { throw failure(path, "flush") }
        } catch {
            unlink(path)
            throw error
        }
    }

    /// Replaces `path` atomically (temporary file, then rename) with a new file of `mode`.
    static func replace(_ path: String, contents: [UInt8], mode: mode_t) throws {
        let temporary = path + ".tmp-" + Hex.encode(SecureRandom.bytes(6))
        try createExclusive(temporary, contents: contents, mode: mode)
        guard rename(temporary, path) == 0 else {
            let error = failure(path, "replace")
            unlink(temporary)
            throw error
        }
    }

    /// The contents of `path`, at most `maxFileBytes`. With `requirePrivate`, refuses a file
    /// that group or others may read or write (a secret-key file).
    static func read(_ path: String, requirePrivate: Bool) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path, "open") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure(path, "inspect") }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw TrustError.fileError(path: path, operation: "read", reason: "not a regular file")
        }
        let mode = UInt32(info.st_mode) & 0o777
        if requirePrivate && mode & 0o077 != 0 {
            throw TrustError.keyFilePermissions(path: path, mode: mode)
        }
        guard Int(info.st_size) <= maxFileBytes else {
            throw TrustError.tooLarge(what: "file \(path)", size: Int(info.st_size), limit: maxFileBytes)
        }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(path, "read")
            }
            if count == 0 { break }
            out.append(contentsOf: buffer[0..<count])
            guard out.count <= maxFileBytes else {
                throw TrustError.tooLarge(what: "file \(path)", size: out.count, limit: maxFileBytes)
            }
        }
        return out
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], _ path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(path, "write")
            }
            offset += count
        }
    }

    private static func failure(_ path: String, _ operation: String) -> TrustError {
        TrustError.fileError(path: path, operation: operation, reason: String(cString: strerror(errno)))
    }
}

/// `read(2)` under a name that does not clash with `FileIO.read`.
@inline(__always)
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
