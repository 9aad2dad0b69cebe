import Foundation

// cairn-storegen: builds large stores for the benchmarks in-process, through the daemon's own
// code paths (`Site.put` for writes: group commit, real signatures, real sealing; `Site.ingest`
// for received deltas: real verification), so that a 1,000,000-delta store takes minutes, not
// the ~10 minutes of the control API.
//
//   cairn-storegen write --config DEV/cairnd.toml --records N [--authors S --agency-key FILE]
//                        [--threads 32] [--field-bytes 1000] [--class SECRET]
//       Writes N records of one delta each at CLASS. With S > 1, S - 1 extra devices are
//       certified with the agency key (the lab's), learned by the site, and write their share
//       of the records as their own streams into the same store (so the store holds S streams
//       at CLASS plus the site's grants).
//   cairn-storegen copy --from A/cairnd.toml --to B/cairnd.toml [--batch 2000]
//       Site B learns every certificate A knows and ingests every delta of A, in A's order, as
//       if received from A over sync: after it, both stores hold the same deltas.
//
// Run it only on stopped sites: it opens their stores as cairnd would.

let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else { StoreGen.usage("a command is needed") }
let options = StoreGen.Options(Array(arguments.dropFirst()))
do {
    switch command {
    case "write": try StoreGen.write(options)
    case "copy": try StoreGen.copy(options)
    default: StoreGen.usage("unknown command \(command)")
    }
} catch {
    FileHandle.standardError.write(Data("cairn-storegen: \(error)\n".utf8))
    exit(1)
}
