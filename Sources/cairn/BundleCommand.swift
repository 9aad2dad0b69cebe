import ArgumentParser
import CairnControl
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `cairn bundle`: carry deltas to and from sites that never connect (air gaps).
struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Move deltas between sites that never connect, as signed, encrypted files.",
        discussion: """
            A bundle holds what one named device lacks of what this site holds, at the levels \
            both are cleared for (never above the recipient's certified clearance), with the \
            certificates of the authors it carries and every revocation this site holds. It is \
            signed by this device and readable only by the recipient.

            The round trip, with both sites offline to each other:
              at bravo:  cairn bundle vector --out bravo.vector
              at alpha:  cairn bundle export --for bravo/hq --since bravo.vector --out to-bravo.cairn
              at bravo:  cairn bundle import to-bravo.cairn --dry-run && cairn bundle import to-bravo.cairn

            Without --since, the export uses the last vector this site knows for the recipient \
            (from sync, or an earlier vector file); with none it carries everything the recipient \
            may hold. Importing checks everything before storing anything, and refuses a bundle \
            for another device, of another federation, or imported already.
            """,
        subcommands: [BundleExportCommand.self, BundleImportCommand.self, BundleVectorCommand.self])
}

/// Reading and writing the administrator's files: the CLI does it, never the daemon.
enum BundleFiles {
    /// The bytes of `path`, refusing a file larger than `limit` before reading it.
    static func read(_ path: String, limit: Int, what: String) throws -> Data {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw CLIError.failure("cannot read \(what) \(path): \(error.localizedDescription)")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size <= limit else { throw CLIError.failure("\(path) has \(size) bytes; a \(what) has at most \(limit)") }
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError.failure("cannot read \(what) \(path)") }
        return data
    }

    /// Creates `path` (mode 0600, refusing an existing file) holding `data`.
    static func writeNew(_ path: String, _ data: Data) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = errno == EEXIST ? "it exists; choose another file" : String(cString: strerror(errno))
            throw CLIError.failure("cannot create \(path): \(reason)")
        }
        defer { close(fd) }
        var written = 0
        let failed: Bool = data.withUnsafeBytes { raw in
            while written < raw.count {
                let count = write(fd, raw.baseAddress! + written, raw.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    return true
                }
                written += count
            }
            return fsync(fd) != 0
        }
        if failed {
            unlink(path)
            throw CLIError.failure("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// A client that waits long enough for large bundles.
    static func client(_ connection: ConnectionOptions) -> ControlClient {
        ControlClient(socketPath: connection.client.socketPath, timeout: max(connection.timeout, 600))
    }
}
