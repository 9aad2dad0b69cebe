import CairnControl
import Foundation
import Testing

/// The built `cairn` binary as users meet it: help text, exit codes, key ceremony and labs.
@Suite struct CLIHelpTests {
    /// Every command, with phrases its `--help` must contain besides usage and examples.
    static let commands: [(path: [String], phrases: [String])] = [
        ([], ["Exit codes", "2 usage error", "$CAIRN_SOCKET"]),
        (["status"], ["GET /v1/status", "--socket", "--json", "Exits 3"]),
        (["record"], ["conflicts", "put", "history"]),
        (["record", "put"], ["NAME:=JSON", "NAME=@FILE", "--from", "--remove-field", "--untag", "generated id"]),
        (["record", "get"], ["(conflict:", "--json"]),
        (["record", "list"], ["--deleted", "--class", "sorted by id", "--conflicts", "--wide"]),
        (["record", "delete"], ["Deletes the record"]),
        (["record", "history"], ["oldest first", "sequence number"]),
        (["agency"], ["keygen"]),
        (["agency", "keygen"], ["--passphrase-file", "public key", "0600"]),
        (["charter"], ["threshold", "fingerprint"]),
        (["charter", "create"], ["NAME:KEY:CEILING", "--threshold", "--previous", "--charter-version"]),
        (["charter", "sign"], ["atomically", "fingerprint"]),
        (["charter", "show"], ["--previous", "valid or invalid"]),
        (["device"], ["certify"]),
        (["device", "certify"], ["--clearance", "--days", "--request"]),
        (["lab"], ["lab.json", "test mode"]),
        (["lab", "create"], ["107 bytes", "min(2, agencies)", "--device AGENCY/NAME[:CLEARANCE]"]),
        (["lab", "up"], ["$CAIRND", "cairnd.pid", "cairnd.log"]),
        (["lab", "down"], ["SIGTERM", "SIGKILL"]),
        (["lab", "env"], ["export CAIRN_SOCKET"]),
        (["lab", "status"], ["running"]),
        (["device", "list"], ["WITHDRAWN", "--json"]),
        (["device", "revoke"], ["--offline", "--serial", "--effective-at", "import-revocation"]),
        (["device", "import-revocation"], ["already held"]),
        (["charter", "apply"], ["next version", "device.charter"]),
        (["keys", "list"], ["CURRENT", "HOLDERS", "--json"]),
        (["digest"], ["--json"]),
        (["bundle", "vector"], ["--out"]),
        (["bundle", "export"], ["--for", "--since"]),
        (["bundle", "import"], ["--dry-run"]),
        (["record", "reclassify"], ["--class"]),
        (["record", "retract"], ["--reason"]),
        (["audit", "verify"], ["anchor", "chain break", "cairn audit acknowledge"]),
        (["audit", "acknowledge"], ["--break", "audit.break_acknowledged", "signed by the device", "write right"]),
    ]

    /// `--version` is the tool's version flag, listed once; no command's option may take it.
    @Test func charterCreateListsVersionOnce() throws {
        let help = try cairn(["charter", "create", "--help"]).stdout
        #expect(help.components(separatedBy: "--version").count == 2, "\(help)")
        #expect(help.contains("--charter-version <n>"))
        let version = try cairn(["--version"])
        #expect(version.stdout == CairnVersion.string + "\n")
        #expect(try ProcessRunner.run(Binaries.cairnd, ["--version"]).stdout == CairnVersion.string + "\n")
    }

    @Test(arguments: commands.indices)
    func helpExplainsPurposeArgumentsAndExamples(_ index: Int) throws {
        let (path, phrases) = Self.commands[index]
        let result = try cairn(path + ["--help"])
        #expect(result.status == 0, "cairn \(path) --help: \(result.stderr)")
        #expect(result.stdout.contains("OVERVIEW:"))
        #expect(result.stdout.contains("USAGE: cairn" + path.map { " " + $0 }.joined()))
        #expect(result.stdout.contains("Examples:"), "cairn \(path) --help has no examples")
        for phrase in phrases {
            #expect(result.stdout.contains(phrase), "cairn \(path) --help lacks \"\(phrase)\"")
        }
    }

    /// Usage errors exit 2 and say what is wrong, whether ArgumentParser or cairn finds them.
    static let usageErrors: [(arguments: [String], message: String)] = [
        (["bogus"], "Unexpected argument"),
        (["audit", "acknowledge", "--break", "0"], "--break takes the sequence number"),
        (["record", "put", "--field"], "Missing value"),
        (["record", "list", "--deleted", "maybe"], "maybe"),
        (["record", "put", "--field", "novalue", "--socket", "/nonexistent/cairnd.sock"], "has no \"=\""),
        (["record", "put", "--field", "n:=nope", "--socket", "/nonexistent/cairnd.sock"], "is not valid JSON"),
        (
            ["record", "put", "--field", "a=1", "--remove-field", "a", "--socket", "/nonexistent/x.sock"],
            "both set and removed"
        ),
        (["status", "--socket", "/tmp/" + String(repeating: "s", count: 110)], "at most 107"),
        (["lab", "create", "/tmp/never", "--device", "alpha/hq:TOPSECRET"], "not a level"),
        (
            ["charter", "create", "--federation", "f", "--agency", "a:b", "--threshold", "1", "--out", "/tmp/x"],
            "NAME:"
        ),
    ]

    @Test(arguments: usageErrors.indices)
    func usageErrorsExitTwo(_ index: Int) throws {
        let (arguments, message) = Self.usageErrors[index]
        let result = try cairn(arguments)
        #expect(result.status == 2, "cairn \(arguments): \(result.stderr)")
        #expect(result.stderr.contains(message), "cairn \(arguments) said: \(result.stderr)")
    }

    @Test func unreachableDaemonExitsThreeNamingTheSocket() throws {
        let socket = "/tmp/cairn-it-" + UUID().uuidString.prefix(8).lowercased() + "/absent.sock"
        let flag = try cairn(["status", "--socket", socket])
        #expect(flag.status == 3)
        #expect(flag.stderr.contains("cairn: cannot reach cairnd at \(socket)"))
        #expect(flag.stderr.contains("not running"))
        let environment = try cairn(["record", "list"], environment: ["CAIRN_SOCKET": socket])
        #expect(environment.status == 3)
        #expect(environment.stderr.contains(socket))
    }

    @Test func keyCeremonyMakesAVerifiedCharterAndACertificate() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let alpha = try cairn(["agency", "keygen", "--name", "alpha", "--out", directory + "/alpha.key"])
        #expect(alpha.status == 0)
        let alphaKey = alpha.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(alphaKey.count == 64)
        #expect(try mode(directory + "/alpha.key") == 0o600)
        #expect(try cairn(["agency", "keygen", "--name", "bravo", "--out", directory + "/bravo.key"]).status == 0)
        let charter = directory + "/charter.cairn"
        let create = try cairn([
            "charter", "create", "--federation", "coalition", "--agency", "alpha:\(alphaKey):SECRET",
            "--agency", "bravo:\(directory)/bravo.key:CONFIDENTIAL", "--threshold", "2", "--out", charter,
        ])
        #expect(create.status == 0, "\(create.stderr)")
        let unsigned = try cairn(["charter", "show", charter])
        #expect(unsigned.status == 1)
        #expect(unsigned.stdout.contains("does not verify"))
        #expect(try cairn(["charter", "sign", charter, "--key", directory + "/alpha.key"]).status == 0)
        let again = try cairn(["charter", "sign", charter, "--key", directory + "/alpha.key"])
        #expect(again.status == 1)
        #expect(again.stderr.hasPrefix("cairn: "))
        #expect(try cairn(["charter", "sign", charter, "--key", directory + "/bravo.key"]).status == 0)
        let shown = try cairn(["charter", "show", charter, "--json"])
        #expect(shown.status == 0, "\(shown.stdout)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        #expect(report["verified"] as? Bool == true)
        #expect((report["signatures"] as? [[String: Any]])?.compactMap { $0["valid"] as? Bool } == [true, true])

        let initialized = try ProcessRunner.run(
            Binaries.cairnd, ["init", "--agency", "alpha", "--device", "field1", "--out", directory + "/field1"])
        try #require(initialized.status == 0, "cairnd init: \(initialized.stderr)")
        let certify = try cairn([
            "device", "certify", "--request", directory + "/field1/device.request", "--key", directory + "/alpha.key",
            "--charter", charter, "--clearance", "CONFIDENTIAL", "--days", "30", "--out", directory + "/field1.cert",
        ])
        #expect(certify.status == 0, "\(certify.stderr)")
        #expect(certify.stdout.contains("certified: alpha/field1"))
        let aboveCeiling = try cairn([
            "device", "certify", "--request", directory + "/field1/device.request", "--key", directory + "/bravo.key",
            "--charter", charter, "--clearance", "SECRET", "--out", directory + "/other.cert",
        ])
        #expect(aboveCeiling.status == 1)
    }

    @Test func labCreateUpDownRunsRealDaemons() throws {
        let directory = try temporaryDirectory()
        defer {
            _ = try? cairn(["lab", "down", directory])
            try? FileManager.default.removeItem(atPath: directory)
        }
        let lab = directory + "/lab"
        let create = try cairn(["lab", "create", lab, "--agency", "alpha:SECRET", "--device", "alpha/hq"])
        #expect(create.status == 0, "\(create.stderr)")
        #expect(try mode(lab + "/agencies") == 0o700)
        #expect(try mode(lab + "/alpha-hq") == 0o700)
        #expect(try mode(lab + "/alpha-hq/state") == 0o700)
        #expect(try mode(lab + "/alpha-hq/device.keys") == 0o600)
        #expect(try String(contentsOfFile: lab + "/alpha-hq/cairnd.toml", encoding: .utf8).contains("test_mode = true"))
        #expect(try cairn(["charter", "show", lab + "/charter.cairn"]).status == 0)
        #expect(try cairn(["lab", "create", lab]).status == 1)  // not empty

        let env = try cairn(["lab", "env", lab, "alpha/hq"])
        #expect(env.stdout == "export CAIRN_SOCKET='\(lab)/alpha-hq/cairnd.sock'\n")
        let daemons = ["CAIRND": Binaries.cairnd]
        let up = try cairn(["lab", "up", lab], environment: daemons)
        try #require(up.status == 0, "lab up: \(up.stdout)\(up.stderr)")
        #expect(up.stdout.contains("Started alpha/hq"))
        #expect(try cairn(["lab", "up", lab], environment: daemons).stdout.contains("already running"))

        let socket = ["CAIRN_SOCKET": lab + "/alpha-hq/cairnd.sock"]
        let status = try cairn(["status", "--json"], environment: socket)
        #expect(status.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect((document["device"] as? [String: Any])?["ref"] as? String == "alpha/hq")
        let put = try cairn(
            [
                "record", "put", "--type", "incident", "--class", "SECRET", "--field", "title=Convoy stopped",
                "--field", "n=3", "--field", "\(LogCanary.field("where"))=\(LogCanary.token) crossing", "--tag", LogCanary.word("tag"),
            ],
            environment: socket)
        #expect(put.status == 0, "\(put.stderr)")
        let id = put.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let get = try cairn(["record", "get", id], environment: socket)
        #expect(get.stdout.contains("title: Convoy stopped"))
        #expect(get.stdout.contains("n: 3"))
        let missing = try cairn(["record", "get", LogCanary.word("no-such-record")], environment: socket)
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("cairn: "))

        let down = try cairn(["lab", "down", lab])
        #expect(down.status == 0)
        #expect(down.stdout.contains("Stopped alpha/hq"))
        #expect(!FileManager.default.fileExists(atPath: lab + "/alpha-hq/cairnd.pid"))
        // The lab's daemon is a daemon of the suite: its log is scanned like the others'.
        LogScan.check(logAt: lab + "/alpha-hq/cairnd.log", of: "lab alpha/hq")
        #expect(try cairn(["status"], environment: socket).status == 3)
    }

    private func cairn(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        try ProcessRunner.run(Binaries.cairn, arguments, environment: environment, timeout: 60)
    }

    private func temporaryDirectory() throws -> String {
        let path = "/tmp/cairn-it-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }

    private func mode(_ path: String) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    }
}
