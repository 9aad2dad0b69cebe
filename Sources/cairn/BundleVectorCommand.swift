import ArgumentParser
import CairnControl
import Foundation

/// `cairn bundle vector`: what this site holds, for a sender it never connects to.
struct BundleVectorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vector",
        abstract: "Write this site's signed vector file: what it holds, for a sender to export against.",
        discussion: """
            The file lists the position of every stream this site holds (no content), carries \
            this device's certificate, and is signed by this device. Carry it to the sending site \
            and pass it to `cairn bundle export --since FILE`: the bundle then holds only what \
            this site lacks. The file is created with mode 0600 and never overwrites one.

            Examples:
              cairn bundle vector --out /media/usb/bravo.vector
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: ArgumentHelp("Write the vector file to this new file.", valueName: "file"))
    var out: String

    func run() throws {
        guard !FileManager.default.fileExists(atPath: out) else { throw CLIError.failure("\(out) exists; choose another file") }
        let vector = try BundleFiles.client(connection).bundleVector()
        try BundleFiles.writeNew(out, vector)
        Output.line("wrote this site's vector to \(out) (\(Format.bytes(Int64(vector.count))))")
    }
}
