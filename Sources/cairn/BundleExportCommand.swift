import ArgumentParser
import CairnControl
import Foundation

/// `cairn bundle export`: what a device lacks, as a file for it.
struct BundleExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a bundle of what a device lacks, signed by this site and sealed for that device.",
        discussion: """
            The bundle carries every delta this site holds, at the levels both devices are \
            cleared for, that the recipient's vector does not show: from --since (a vector file \
            made at the recipient with `cairn bundle vector`), else the last vector this site \
            received from it (over sync or in an earlier vector file), else none, and then it \
            carries everything the recipient may hold. A vector file also introduces a device \
            this site has never met (its certificate is verified against the charter), so the \
            keys the recipient is cleared for are granted to it and travel in the bundle.

            The file is created with mode 0600 and never overwrites one. When the recipient lacks \
            more than one bundle may hold (256 MiB), the bundle carries a prefix of each stream \
            and says so: import it, export a new vector there, and export again.

            Progress (deltas read, sealing, bytes received) is shown on standard error when it \
            is a terminal; nothing is shown in a pipe or with --json.

            Examples:
              cairn bundle export --for bravo/hq --since bravo.vector --out /media/usb/to-bravo.cairn
              cairn bundle export --for bravo/hq --out to-bravo.cairn --json
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .customLong("for"), help: ArgumentHelp("The recipient device.", valueName: "agency/name"))
    var recipient: String

    @Option(help: ArgumentHelp("Write the bundle to this new file.", valueName: "file"))
    var out: String

    @Option(help: ArgumentHelp("A vector file the recipient exported: carry only what it lacks.", valueName: "vector-file"))
    var since: String?

    @Flag(help: "Print the API's JSON document.")
    var json = false

    func run() throws {
        guard !FileManager.default.fileExists(atPath: out) else { throw CLIError.failure("\(out) exists; choose another file") }
        let vector = try since.map { try BundleFiles.read($0, limit: 16 * 1024 * 1024, what: "vector file").base64EncodedString() }
        let client = BundleFiles.client(connection)
        let request = BundleExportRequest(recipient: recipient, since: vector)
        let (bundle, document): (Data, BundleExportDocument)
        if !json && isatty(STDERR_FILENO) == 1 {
            (bundle, document) = try client.exportBundle(request) { event in
                guard let done = event.done, let total = event.total else { return }
                let text: String
                switch (event.event, event.phase) {
                case ("chunk", _): text = "receiving \(Format.bytes(Int64(done)))/\(Format.bytes(Int64(total)))"
                case (_, "seal"): text = "sealing \(total) deltas"
                default: text = "reading \(done)/\(total) deltas"
                }
                FileHandle.standardError.write(Data("\r\(text)\u{1B}[K".utf8))
            }
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        } else {
            (bundle, document) = try client.exportBundle(request)
        }
        try BundleFiles.writeNew(out, bundle)
        if json { return try Output.json(document) }
        let levels = document.levels.isEmpty ? "no level" : document.levels.joined(separator: ", ")
        Output.line(
            "wrote bundle \(document.bundle) for \(document.recipient) (cleared \(document.clearance)) to \(out): "
                + "\(document.deltas) deltas (\(levels)), \(document.certificates) certificates, \(document.revocations) revocations, "
                + Format.bytes(Int64(document.bytes)))
        switch document.vector {
        case "file": Output.line("only what the vector file of \(document.vectorAt ?? "?") does not show")
        case "stored": Output.line("only what the last vector known for it (\(document.vectorAt ?? "?")) does not show")
        default: Output.line("no vector is known for \(document.recipient): the bundle carries everything it may hold")
        }
        if !document.complete {
            Output.warning("the recipient lacks more than one bundle holds; import this one there, export a new vector, and export again")
        }
    }
}
