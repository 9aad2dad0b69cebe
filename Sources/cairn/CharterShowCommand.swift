import ArgumentParser
import CairnControl
import CairnTrust

/// `cairn charter show`: verify and display a charter.
struct CharterShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Verify a charter and show its levels, agencies, threshold and signatures.",
        discussion: """
            Shows the federation, version, levels (lowest first), member agencies with their \
            root keys and ceilings, the threshold, each signature (valid or invalid), the \
            fingerprint, and whether the charter verifies as a whole.

            A genesis (version 1) verifies on its own. An amendment verifies against the \
            versions before it: give them with --previous, genesis first. Exits 1 when the \
            charter does not verify (the details are still shown).

            Examples:
              cairn charter show charter.cairn
              cairn charter show charter-v2.cairn --previous charter.cairn --json
            """)

    @Argument(help: ArgumentHelp("The charter file.", valueName: "file"))
    var file: String

    @Option(
        name: .long,
        help: ArgumentHelp("An earlier version, genesis first (repeatable), to verify an amendment.", valueName: "file")
    )
    var previous: [String] = []

    @Flag(name: .long, help: "Print the result as JSON (pretty, sorted keys).")
    var json = false

    /// The JSON form of `charter show`.
    struct Report: Encodable {
        struct Agency: Encodable {
            var name: String
            var publicKey: String
            var ceiling: String
        }

        struct Signature: Encodable {
            var signer: String
            var publicKey: String
            var valid: Bool
            var member: Bool
        }

        var file: String
        var federation: String
        var federationID: String
        var version: UInt64
        var issuedAt: String
        var levels: [String]
        var agencies: [Agency]
        var threshold: Int
        var signatures: [Signature]
        var fingerprint: String
        var verified: Bool
        var verification: String
    }

    func run() throws {
        let draft = try Ceremony.readCharter(file)
        var verified = false
        var verification: String
        if draft.version > 1 && previous.isEmpty {
            verification =
                "not verified: version \(draft.version) is an amendment; give the earlier versions with --previous"
        } else {
            do {
                _ = try Ceremony.verifiedCharter(previous + [file])
                verified = true
                verification = "verified"
            } catch {
                verification = "does not verify: \(error)"
            }
        }
        let report = Report(
            file: file, federation: draft.federationName, federationID: Ceremony.hex(draft.federationID),
            version: draft.version, issuedAt: Ceremony.iso(draft.issuedAt), levels: draft.levels.names,
            agencies: draft.agencies.map {
                Report.Agency(name: $0.name.value, publicKey: Ceremony.hex($0.rootKey.bytes), ceiling: $0.ceiling)
            },
            threshold: draft.threshold,
            signatures: draft.signed.signatures.map { signature in
                let member = draft.agencies.first { $0.name.value == signature.signer }
                return Report.Signature(
                    signer: signature.signer, publicKey: Ceremony.hex(signature.publicKey),
                    valid: Ceremony.signatureVerifies(signature, on: draft.signed)
                        && (member == nil || member!.rootKey.bytes == signature.publicKey),
                    member: member != nil)
            },
            fingerprint: draft.fingerprintHex, verified: verified, verification: verification)
        if json {
            try Output.json(report)
        } else {
            show(report)
        }
        if !verified { throw ExitCode(1) }
    }

    private func show(_ report: Report) {
        Output.pairs([
            ("federation", "\(report.federation) (id \(report.federationID))"),
            ("version", "\(report.version), issued \(report.issuedAt)"),
            ("levels", report.levels.joined(separator: " < ")),
            ("threshold", "\(report.threshold) of \(report.agencies.count) agencies"),
            ("fingerprint", report.fingerprint),
        ])
        Output.line()
        Output.table(["AGENCY", "CEILING", "ROOT KEY"], report.agencies.map { [$0.name, $0.ceiling, $0.publicKey] })
        Output.line()
        if report.signatures.isEmpty {
            Output.line("No signatures.")
        } else {
            Output.table(
                ["SIGNER", "SIGNATURE", "KEY"],
                report.signatures.map { signature in
                    [
                        signature.signer,
                        (signature.valid ? "valid" : "INVALID")
                            + (signature.member ? "" : " (non-member)"),
                        signature.publicKey,
                    ]
                })
        }
        Output.line()
        Output.line("Charter: \(report.verification)")
    }
}
