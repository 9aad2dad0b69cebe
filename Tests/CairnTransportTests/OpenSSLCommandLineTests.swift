import CairnCrypto
import Foundation
import NIOCore
import Testing

@testable import CairnTransport

/// An independent TLS implementation's view of the server: OpenSSL's own command-line client.
@Suite struct OpenSSLCommandLineTests {
    private static let openssl = "/usr/bin/openssl"

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: openssl)))
    func sClientWithTLS12IsRefused() async throws {
        let probe = Probe(on: Loopback.group.any())
        defer { probe.finish() }
        let server = try await Loopback.server(
            context: TLSContext(role: .server, identity: Ed25519.PrivateKey()), probe: probe)
        let port = try #require(server.localAddress?.port)

        let (status, output) = try run(Self.openssl, [
            "s_client", "-connect", "127.0.0.1:\(port)", "-tls1_2", "-alpn", "cairn/1", "-verify_quiet",
        ])
        #expect(status != 0, "s_client must fail: \(output)")
        #expect(output.contains("alert protocol version"), "s_client output: \(output)")
        let error = try await probe.error.futureResult.get()
        #expect(error as? TransportError == .protocolVersionRefused(offered: "TLS 1.2", openSSL: openSSLText(error)))
        try await server.close()
    }

    private func openSSLText(_ error: any Error) -> String {
        if case .protocolVersionRefused(_, let text) = error as? TransportError { return text }
        return ""
    }

    /// Runs a tool with no input and returns its exit status and combined output.
    private func run(_ path: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
