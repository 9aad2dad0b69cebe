import ArgumentParser
import CairnControl
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `cairn bundle import`: checks a bundle and stores what it carries.
struct BundleImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Check a bundle completely, then store what it carries.",
        discussion: """
            Nothing is stored unless everything checks: the bundle is for this device and this \
            federation, its sender's certificate and signature verify, it was not imported \
            before, every chunk decrypts (a truncated or altered file fails), and every \
            certificate, revocation and delta it carries verifies as if a peer had sent it. \
            A delta refused for a reason that does not blame the sender (its author was \
            revoked, its certificate had expired, this site does not know it) is skipped and \
            counted; any other refusal (a forged signature, a broken chain, a second history of \
            the sender's own stream) refuses the whole bundle. Then the certificates and \
            revocations are learned and the deltas stored; deltas already held are counted as \
            duplicates. An imported bundle is remembered, and importing it again is refused.

            --dry-run does every check, decryption included, and stores nothing (not even an \
            audit entry). Progress is shown on standard error when it is a terminal; a summary \
            follows on standard output, or the API's JSON document with --json.

            Refusals (exit 1) carry a code in --json scripts' error: bundle_not_for_us, \
            bundle_foreign_federation, bundle_already_imported, bundle_invalid.

            Examples:
              cairn bundle import /media/usb/to-bravo.cairn --dry-run
              cairn bundle import /media/usb/to-bravo.cairn --json
            """)

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: ArgumentHelp("The bundle file.", valueName: "file"))
    var file: String

    @Flag(help: "Check everything and store nothing.")
    var dryRun = false

    @Flag(help: "Print the API's JSON document.")
    var json = false

    func run() throws {
        let bundle = try BundleFiles.read(file, limit: ControlClient.maxBundleBytes, what: "bundle")
        let client = BundleFiles.client(connection)
        let result: BundleImportDocument
        if !json && isatty(STDERR_FILENO) == 1 {
            result = try client.importBundle(bundle, dryRun: dryRun) { event in
                guard let done = event.done, let total = event.total else { return }
                let phase = event.phase == "store" ? "storing" : "verifying"
                FileHandle.standardError.write(Data("\r\(phase) \(done)/\(total) deltas\u{1B}[K".utf8))
            }
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        } else {
            result = try client.importBundle(bundle, dryRun: dryRun)
        }
        if json { return try Output.json(result) }
        let levels = result.levels.isEmpty ? "no level" : result.levels.joined(separator: ", ")
        Output.line(
            "bundle \(result.bundle) from \(result.sender) (made \(result.createdAt)): \(result.deltas) deltas (\(levels)), "
                + "\(result.certificates) certificates, \(result.revocations) revocations")
        let skipped = result.skippedReasons.sorted(by: { $0.key < $1.key }).map { "\($0.value) \($0.key)" }
        if result.dryRun {
            Output.line("dry run: everything verifies; \(result.new) deltas would be new here; nothing was stored")
            if result.skipped > 0 {
                Output.warning("\(result.skipped) deltas would be skipped (\(skipped.joined(separator: ", ")))")
            }
            return
        }
        if result.skipped > 0 {
            Output.warning("\(result.skipped) deltas skipped, not the sender's fault (\(skipped.joined(separator: ", ")))")
        }
        Output.line(
            "stored \(result.stored), already held \(result.duplicate), waiting \(result.pending), refused \(result.refused); "
                + "learned \(result.certificatesLearned) certificates, \(result.revocationsLearned) revocations")
        for (reason, count) in result.refusals.sorted(by: { $0.key < $1.key }) {
            Output.warning("\(count) deltas refused: \(reason)")
        }
    }
}
