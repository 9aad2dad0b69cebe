#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads a passphrase from where an operator can give one: a file (regular, a pipe such as
/// `/dev/stdin` or a process substitution's `/dev/fd/N`), an open file descriptor, or a prompt
/// on the terminal with echo off. The bytes are read with `read(2)` up to a bound, trailing
/// newlines dropped, and kept only in `SecureBytes` (the buffers are wiped).
public enum PassphraseInput {
    /// Longest passphrase read; a longer input is refused rather than buffered.
    public static let maxBytes = 4096

    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// Both `--passphrase-file` and `--passphrase-fd` were given.
    public static let bothSources = Failure("give --passphrase-file or --passphrase-fd, not both")

    /// The passphrase of the commands' `--passphrase-file FILE` / `--passphrase-fd N` options:
    /// from the descriptor, else the file (see `read(path:)`), else nil when neither is given.
    public static func read(file: String?, fd: Int32?, confirm: Bool = false) throws -> SecureBytes? {
        if file != nil, fd != nil { throw bothSources }
        if let fd { return try read(fd: fd) }
        return try file.map { try read(path: $0, confirm: confirm) }
    }

    /// `-` is standard input (a prompt when it is a terminal); anything else a path.
    public static func read(path: String, prompt: String = "Passphrase: ", confirm: Bool = false) throws -> SecureBytes {
        if path == "-" { return try readStandardInput(prompt: prompt, confirm: confirm) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure("cannot open the passphrase file \(path): \(errnoText())") }
        defer { close(fd) }
        return try read(fd: fd, what: "the passphrase file \(path)")
    }

    /// Reads an open file descriptor to its end (`--passphrase-fd N`); it is not closed.
    public static func read(fd: Int32, what: String? = nil) throws -> SecureBytes {
        let what = what ?? "passphrase descriptor \(fd)"
        var bytes: [UInt8] = []
        defer { wipe(&bytes) }
        var chunk = [UInt8](repeating: 0, count: 512)
        defer { wipe(&chunk) }
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure("cannot read \(what): \(errnoText())")
            }
            if count == 0 { break }
            guard bytes.count + count <= maxBytes + 2 else { throw Failure("\(what) holds more than \(maxBytes) bytes") }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return try finish(&bytes, what: what)
    }

    /// Standard input: a prompt with echo off when it is a terminal, else read to its end.
    public static func readStandardInput(prompt: String = "Passphrase: ", confirm: Bool = false) throws -> SecureBytes {
        guard isatty(STDIN_FILENO) == 1 else { return try read(fd: STDIN_FILENO, what: "standard input") }
        return try self.prompt(prompt, confirm: confirm)
    }

    /// Whether a prompt can be shown (standard input is a terminal).
    public static var canPrompt: Bool { isatty(STDIN_FILENO) == 1 }

    /// Asks on the terminal with echo off (twice when `confirm`, which must match).
    public static func prompt(_ text: String, confirm: Bool = false) throws -> SecureBytes {
        let first = try promptOnce(text)
        guard confirm else { return first }
        let second = try promptOnce("Again: ")
        guard first == second else {
            throw Failure("the passphrases do not match")
        }
        return first
    }

    private static func promptOnce(_ text: String) throws -> SecureBytes {
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { throw Failure("cannot read the terminal's settings: \(errnoText())") }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        quiet.c_lflag |= tcflag_t(ECHONL)
        guard tcsetattr(STDIN_FILENO, TCSADRAIN, &quiet) == 0 else { throw Failure("cannot turn the terminal's echo off: \(errnoText())") }
        defer { _ = tcsetattr(STDIN_FILENO, TCSADRAIN, &saved) }
        let message = Array(text.utf8)
        _ = message.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        var bytes: [UInt8] = []
        defer { wipe(&bytes) }
        var byte: UInt8 = 0
        while true {
            let count = Glibc.read(STDIN_FILENO, &byte, 1)
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure("cannot read the terminal: \(errnoText())")
            }
            if count == 0 || byte == 0x0A || byte == 0x0D { break }
            guard bytes.count < maxBytes else { throw Failure("the passphrase is longer than \(maxBytes) bytes") }
            bytes.append(byte)
        }
        byte = 0
        return try finish(&bytes, what: "the passphrase typed")
    }

    private static func finish(_ bytes: inout [UInt8], what: String) throws -> SecureBytes {
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        guard bytes.count <= maxBytes else { throw Failure("\(what) holds more than \(maxBytes) bytes") }
        guard !bytes.isEmpty else { throw Failure("\(what) is empty") }
        return SecureBytes(copying: bytes)
    }

    private static func wipe(_ bytes: inout [UInt8]) {
        for index in bytes.indices { bytes[index] = 0 }
    }

    private static func errnoText() -> String {
        let code = errno
        return "\(String(cString: strerror(code))) (errno \(code))"
    }
}
