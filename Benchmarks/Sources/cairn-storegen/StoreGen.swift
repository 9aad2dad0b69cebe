import CairnControl
import CairnCrypto
import CairnModel
import CairnStore
import CairnTrust
import Foundation
import Logging

@testable import CairnDaemon

/// The two commands of `cairn-storegen` (see main.swift).
enum StoreGen {
    struct Options {
        var values: [String: String] = [:]

        init(_ arguments: [String]) {
            var iterator = arguments.makeIterator()
            while let flag = iterator.next() {
                guard flag.hasPrefix("--"), let value = iterator.next() else { StoreGen.usage("\(flag) needs a value") }
                values[String(flag.dropFirst(2))] = value
            }
        }

        func string(_ name: String) -> String {
            guard let value = values[name] else { StoreGen.usage("--\(name) is required") }
            return value
        }

        func int(_ name: String, _ fallback: Int) -> Int {
            guard let text = values[name] else { return fallback }
            guard let value = Int(text), value > 0 else { StoreGen.usage("--\(name) takes a positive number, not \(text)") }
            return value
        }
    }

    static let logger = Logger(label: "cairn-storegen") { _ in SwiftLogNoOpLogHandler() }

    static func usage(_ message: String) -> Never {
        FileHandle.standardError.write(
            Data(
                """
                cairn-storegen: \(message)
                usage: cairn-storegen write --config FILE --records N [--authors S --agency-key FILE] [--threads T] [--field-bytes B] [--class LEVEL]
                       cairn-storegen copy --from FILE --to FILE [--batch N]

                """.utf8))
        exit(2)
    }

    static func load(_ path: String) throws -> Site {
        try SiteLoader(config: try DaemonConfig.load(path: path), logger: logger).load()
    }

    static func write(_ options: Options) throws {
        let records = options.int("records", 10_000)
        let authors = options.int("authors", 1)
        let threads = options.int("threads", 32)
        let fieldBytes = options.int("field-bytes", 1000)
        let level = options.values["class"] ?? "SECRET"
        let site = try load(options.string("config"))
        defer { try? site.database.close() }
        let started = Date()

        var writers = [site]
        if authors > 1 {
            let agencyKey = try AgencyRootKey.load(from: options.string("agency-key"), passphrase: nil)
            let extra = try Authors.certify(count: authors - 1, agencyKey: agencyKey, charter: site.identity.charter, clearance: level)
            try site.keys.learn(extra.map(\.certificate), from: "storegen")
            let indexKey = try Authors.indexKey(of: site)
            var previous = site
            for author in extra {
                // Each author is its own Site over the same store, built on the state the
                // previous one left (clock, streams, keys, audit head), with heads of its own.
                let next = try Authors.site(author, over: previous, indexKey: indexKey)
                writers.append(next)
                previous = next
            }
        }
        let filler = String(repeating: "x", count: fieldBytes)
        var written = 0
        var lastReport = Date()
        for (index, writer) in writers.enumerated() {
            if index > 0 { Authors.inherit(writer, from: writers[index - 1]) }
            let share = records / authors + (index < records % authors ? 1 : 0)
            try parallelWrites(share, threads: min(threads, max(1, share)), site: writer) { n in
                PutRecordRequest(
                    id: "gen-\(index)-\(n)", type: "incident", classification: level,
                    fields: ["title": .string("record \(n) of author \(index)"), "body": .string(filler), "n": .int(Int64(n))],
                    tags: ["gen"])
            }
            written += share
            if Date().timeIntervalSince(lastReport) > 10 || index == writers.count - 1 {
                lastReport = Date()
                let elapsed = Date().timeIntervalSince(started)
                say(String(format: "storegen: %d/%d records by %d/%d authors, %.0f s, %.0f writes/s", written, records, index + 1, authors, elapsed, Double(written) / elapsed))
            }
        }
        // Write the final clock mark and heads of every stream through a last audit entry.
        try writers.last!.audit.audit("storegen.done", actor: "storegen", detail: ["records": "\(records)", "authors": "\(authors)"])
        say("storegen: done, \(try site.database.deltaCount()) deltas in the store")
    }

    /// Writes `count` records from `threads` threads (so that group commit makes groups).
    static func parallelWrites(_ count: Int, threads: Int, site: Site, request: @escaping @Sendable (Int) -> PutRecordRequest) throws {
        let next = Counter()
        let failure = FailureBox()
        let done = DispatchGroup()
        for _ in 0..<threads {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                while failure.error == nil {
                    let n = next.take()
                    guard n < count else { return }
                    do {
                        _ = try site.records.put(DocumentMapping.edit(request(n)), actor: "storegen")
                    } catch {
                        failure.set(error)
                    }
                }
            }
        }
        done.wait()
        if let error = failure.error { throw error }
    }

    static func copy(_ options: Options) throws {
        let batch = options.int("batch", 2000)
        let source = try load(options.string("from"))
        defer { try? source.database.close() }
        let target = try load(options.string("to"))
        defer { try? target.database.close() }
        let started = Date()
        let certificates = source.ledger.read { $0.devices.all }
        _ = try target.keys.learn(certificates, from: source.identity.ref)
        let from = DeltaSource(name: source.identity.ref, clearance: source.identity.clearance)
        var pending: [[UInt8]] = []
        var total = IngestReport()
        var lastReport = Date()
        func flush() throws {
            guard !pending.isEmpty else { return }
            let report = try target.ingest.ingest(pending, from: from)
            total.stored += report.stored + report.released
            total.duplicate += report.duplicate
            total.pending += report.pending
            total.refused += report.refused
            for (reason, count) in report.refusals { total.refusals[reason, default: 0] += count }
            pending.removeAll(keepingCapacity: true)
            if Date().timeIntervalSince(lastReport) > 10 {
                lastReport = Date()
                let elapsed = Date().timeIntervalSince(started)
                say(String(format: "storegen copy: %d stored, %.0f s, %.0f deltas/s", total.stored, elapsed, Double(total.stored) / elapsed))
            }
        }
        try source.database.forEachDelta { delta in
            pending.append(delta.envelope)
            if pending.count >= batch { try flush() }
            return true
        }
        try flush()
        let elapsed = Date().timeIntervalSince(started)
        say(
            String(
                format: "storegen copy: %d stored, %d duplicate, %d pending, %d refused in %.0f s (%.0f deltas/s)",
                total.stored, total.duplicate, total.pending, total.refused, elapsed, Double(total.stored) / elapsed)
                + (total.refusals.isEmpty ? "" : " refusals: \(total.refusals)"))
        guard total.refused == 0, total.pending == 0 else {
            throw StoreGenError("the copy was not complete: \(total.refused) refused, \(total.pending) pending")
        }
    }
}

/// Progress lines, unbuffered (scripts show them while the generator runs).
func say(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

struct StoreGenError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take() -> Int { lock.withLock { defer { value += 1 }; return value } }
}

final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (any Error)?
    var error: (any Error)? { lock.withLock { stored } }
    func set(_ error: any Error) { lock.withLock { if stored == nil { stored = error } } }
}
