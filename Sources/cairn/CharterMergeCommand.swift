import ArgumentParser
import CairnTrust

/// `cairn charter merge`: one charter with the signatures of copies signed apart.
struct CharterMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the signatures of copies of one charter draft, signed in parallel, into one file.",
        discussion: """
            Each agency signs its own copy of the draft (`cairn charter sign DRAFT --out COPY`) \
            on its own offline machine; the copies are brought together and merged. They must \
            hold exactly the same draft (the same bytes, so the same fingerprint): a copy of \
            another draft is refused, as is a signature that does not verify against the key it \
            carries. Whether enough member agencies signed is checked, as always, when the \
            charter is used (`cairn charter show` tells).

            Examples:
              cairn charter merge draft.alpha.cairn draft.bravo.cairn --out charter.cairn
            """)

    @Argument(help: ArgumentHelp("Signed copies of one charter draft (two or more).", valueName: "file"))
    var files: [String]

    @Option(name: .long, help: ArgumentHelp("The merged charter file to create.", valueName: "file"))
    var out: String

    func validate() throws {
        guard files.count >= 2 else { throw ValidationError("give at least two copies to merge.") }
    }

    func run() throws {
        let drafts = try files.map { try Ceremony.readCharter($0) }
        let merged: SignedObject
        do {
            merged = try SignedObject.merging(drafts.map(\.signed))
        } catch {
            throw CLIError.failure("\(error)")
        }
        let draft = try CharterDraft.inspect(merged)
        try merged.write(to: out, replacing: false)
        let signers = merged.signatures.map(\.signer).joined(separator: ", ")
        Output.line("Merged \(files.count) copies into \(out): \(Format.count(merged.signatures.count, "signature")) (\(signers)), threshold \(draft.threshold).")
        Output.line("Fingerprint: \(draft.fingerprintHex)")
    }
}
