import ArgumentParser
import CairnCrypto
import CairnTrust
import Foundation

/// `cairn charter create`: an unsigned charter file.
struct CharterCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an unsigned charter (a genesis, or the next version of one).",
        discussion: """
            Writes an unsigned charter to --out; it then needs `cairn charter sign` by at least \
            --threshold agencies (for an amendment: a threshold of the previous version's \
            agencies) before daemons accept it.

            --level gives the classification levels, lowest first (default: UNCLASSIFIED \
            RESTRICTED CONFIDENTIAL SECRET). Each --agency is NAME:KEY:CEILING, where KEY is \
            the agency's public key in hex (as printed by `cairn agency keygen`), a file holding \
            that hex, or the agency's key file itself (sealed key files need --passphrase-file), \
            and CEILING is the highest level its devices may be cleared for.

            For an amendment, --previous is the current charter: the new one keeps its \
            federation id and gets version previous + 1 (--charter-version, if given, must agree).

            Examples:
              cairn charter create --federation coalition \\
                  --agency alpha:alpha.pub:SECRET \\
                  --agency bravo:bravo.key:CONFIDENTIAL \\
                  --threshold 2 --out charter.cairn
              cairn charter create --federation coalition --previous charter.cairn \\
                  --agency alpha:alpha.pub:SECRET --agency bravo:bravo-2.pub:CONFIDENTIAL \\
                  --threshold 2 --out charter-v2.cairn

            (alpha.pub holds the public key printed by `cairn agency keygen`; bravo.key is the \
            agency's key file itself.)
            """)

    @Option(name: .long, help: ArgumentHelp("The federation's name.", valueName: "name"))
    var federation: String

    @Option(name: .long, help: ArgumentHelp("A classification level, lowest first (repeatable).", valueName: "level"))
    var level: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp("A member agency: NAME:PUBKEYHEX_OR_KEYFILE:CEILING (repeatable).", valueName: "agency"))
    var agency: [String] = []

    @Option(name: .long, help: ArgumentHelp("Agency signatures needed for this and the next version.", valueName: "k"))
    var threshold: Int

    // Not `--version`: that is the tool's own version flag.
    @Option(
        name: .customLong("charter-version"),
        help: ArgumentHelp("The charter's version (1 for a genesis; previous + 1 for an amendment).", valueName: "n"))
    var charterVersion: UInt64?

    @Option(name: .long, help: ArgumentHelp("The current charter, for an amendment.", valueName: "file"))
    var previous: String?

    @Option(
        name: .customLong("passphrase-file"),
        help: ArgumentHelp("Passphrase for sealed agency key files given as KEY; - reads standard input.", valueName: "file"))
    var passphraseFile: String?

    @Option(name: .customLong("passphrase-fd"), help: ArgumentHelp("Passphrase for sealed agency key files, from this open file descriptor.", valueName: "n"))
    var passphraseFD: Int32?

    @Option(name: .long, help: ArgumentHelp("The charter file to create.", valueName: "file"))
    var out: String

    func validate() throws {
        guard !agency.isEmpty else { throw ValidationError("give at least one --agency NAME:KEY:CEILING.") }
        guard threshold >= 1, threshold <= agency.count else {
            throw ValidationError("--threshold must be between 1 and the number of agencies (\(agency.count)).")
        }
        if let charterVersion, previous == nil, charterVersion != 1 {
            throw ValidationError("--charter-version \(charterVersion) needs --previous (the charter it amends).")
        }
        for spec in agency { _ = try Self.split(spec) }
    }

    func run() throws {
        let passphrase = try Ceremony.passphrase(file: passphraseFile, fd: passphraseFD)
        let members = try agency.map { spec in
            let (name, key, ceiling) = try Self.split(spec)
            return (
                name: name, rootKey: try Self.publicKey(key, agency: name, passphrase: passphrase), ceiling: ceiling
            )
        }
        var federationID: [UInt8]? = nil
        var newVersion: UInt64 = charterVersion ?? 1
        if let previous {
            let current = try Ceremony.readCharter(previous)
            guard current.federationName == federation else {
                throw CLIError.usage(
                    "--federation \"\(federation)\" differs from the previous charter's \"\(current.federationName)\"")
            }
            federationID = current.federationID
            newVersion = current.version + 1
            if let charterVersion, charterVersion != newVersion {
                throw CLIError.usage(
                    "--charter-version \(charterVersion) does not follow the previous charter's version \(current.version)")
            }
        }
        let draft = try Charter.make(
            federationName: federation, federationID: federationID, version: newVersion,
            levels: level.isEmpty ? Charter.standardLevels : level, agencies: members, threshold: threshold,
            issuedAt: Ceremony.now)
        try draft.signed.write(to: out)
        Output.line("Wrote unsigned charter \(out): federation \(draft.federationName), version \(draft.version).")
        Output.line("Fingerprint: \(draft.fingerprintHex)")
        Output.line(
            "It needs \(Format.count(draft.threshold, "agency signature")): cairn charter sign \(out) --key AGENCY.key")
    }

    /// Splits `NAME:KEY:CEILING`; KEY may itself contain colons (a file path).
    static func split(_ spec: String) throws -> (String, String, String) {
        guard let first = spec.firstIndex(of: ":"), let last = spec.lastIndex(of: ":"), first < last else {
            throw ValidationError("--agency \"\(spec)\" is not NAME:PUBKEYHEX_OR_KEYFILE:CEILING.")
        }
        let name = String(spec[..<first])
        let key = String(spec[spec.index(after: first)..<last])
        let ceiling = String(spec[spec.index(after: last)...])
        guard !name.isEmpty, !key.isEmpty, !ceiling.isEmpty else {
            throw ValidationError("--agency \"\(spec)\" is not NAME:PUBKEYHEX_OR_KEYFILE:CEILING.")
        }
        return (name, key, ceiling)
    }

    /// The public key KEY stands for: hex, a file of hex, or an agency key file of that agency.
    static func publicKey(_ key: String, agency: String, passphrase: SecureBytes?) throws -> Ed25519.PublicKey {
        if let bytes = Ceremony.unhex(key), bytes.count == Ed25519.publicKeyLength {
            return try Ed25519.PublicKey(bytes: bytes)
        }
        guard let data = FileManager.default.contents(atPath: key) else {
            throw CLIError.usage(
                "--agency \(agency): \"\(key)\" is neither a 64-digit hex public key nor a readable file")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if let bytes = Ceremony.unhex(text), bytes.count == Ed25519.publicKeyLength {
            return try Ed25519.PublicKey(bytes: bytes)
        }
        let rootKey = try AgencyRootKey.load(from: key, passphrase: passphrase)
        guard rootKey.name.value == agency else {
            throw CLIError.usage("--agency \(agency): \(key) is the key of agency \(rootKey.name), not \(agency)")
        }
        return rootKey.publicKey
    }
}
