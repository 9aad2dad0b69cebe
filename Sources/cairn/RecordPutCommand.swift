import ArgumentParser
import CairnControl
import Foundation

/// `cairn record put`: create a record or change one.
struct RecordPutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put",
        abstract: "Create a record, or change an existing one.",
        discussion: """
            Without --id (and without an id in --from), the daemon creates a new record with a \
            generated id; a new record needs --type and --class. With an id, the record is \
            created if it does not exist, and changed otherwise: only the fields and tags named \
            are touched. Prints the record id (or, with --json, the record as it now is).

            Field values (--field NAME=VALUE):
              NAME=VALUE  VALUE is JSON if it parses as JSON (a number, true,
                          false, null, a "quoted" string, [an array] or
                          {an object}); otherwise it is the text itself, as a
                          string: count=3 is a number, title=Convoy stopped a
                          string.
              NAME:=JSON  VALUE must be JSON (code:='"0042"' keeps a string
                          that looks like a number).
              NAME=@FILE  the contents of FILE, as a string.

            --from FILE (or - for standard input) reads a request shaped like a record document; \
            the read-only keys of `cairn record get --json` output (created, updated, deleted, \
            conflicts) are ignored, and flags given on the command line are laid over it.

            Examples:
              cairn record put --type incident --class SECRET \\
                  --field title="Convoy stopped" --field casualties=0 --tag north
              cairn record put --id r-123 --field status=closed --untag urgent
              cairn record put --id r-123 --remove-field draft
              cairn record get r-123 --json \\
                  | jq '.fields.title = "Convoy halted"' \\
                  | cairn record put --from -
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: ArgumentHelp("The record id (default: the daemon generates one).", valueName: "id"))
    var id: String?

    @Option(
        name: .long,
        help: ArgumentHelp("The record type, such as incident (required for a new record).", valueName: "type"))
    var type: String?

    @Option(
        name: .customLong("class"),
        help: ArgumentHelp("The classification level (required for a new record).", valueName: "level"))
    var classification: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Set a field: NAME=VALUE, NAME:=JSON or NAME=@FILE (repeatable).", valueName: "name=value"))
    var field: [String] = []

    @Option(name: .customLong("remove-field"), help: ArgumentHelp("Remove a field (repeatable).", valueName: "name"))
    var removeField: [String] = []

    @Option(name: .long, help: ArgumentHelp("Add a tag (repeatable).", valueName: "tag"))
    var tag: [String] = []

    @Option(name: .long, help: ArgumentHelp("Remove a tag (repeatable).", valueName: "tag"))
    var untag: [String] = []

    @Option(
        name: .long, help: ArgumentHelp("Read a record request from FILE, or - for standard input.", valueName: "file"))
    var from: String?

    @Flag(name: .long, help: "Print the record as it now is, as JSON, instead of its id.")
    var json = false

    func run() throws {
        let base = try from.map(Self.readRequest) ?? PutRecordRequest()
        let assignments = try field.map { argument throws(ControlClientError) in try FieldAssignment.parse(argument) }
        let request = try base.overlaid(
            id: id, type: type, classification: classification, set: assignments, remove: removeField,
            addTags: tag, removeTags: untag)
        if json { return try Output.json(try connection.client.putRecord(request).0) }
        // Only the id is printed: the minimal reply spares the daemon encoding the record.
        Output.line(try connection.client.putRecordMinimal(request).0.id)
    }

    /// Reads and decodes the `--from` document; anything unreadable or malformed is a usage error.
    static func readRequest(_ source: String) throws -> PutRecordRequest {
        let data: Data
        if source == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: source) else {
                throw CLIError.usage("--from: cannot read \(source)")
            }
            data = contents
        }
        let name = source == "-" ? "standard input" : source
        do {
            return try ControlJSON.decoder().decode(PutRecordRequest.self, from: data)
        } catch {
            throw CLIError.usage("--from: \(name) is not a valid record request: \(ControlJSON.describe(error))")
        }
    }
}
