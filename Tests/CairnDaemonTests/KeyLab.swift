import CairnControl
import CairnModel
import CairnStore
import CairnTrust
import Foundation

@testable import CairnDaemon

/// A federation of real sites in one process, for counting what keys cost: a fresh charter with
/// `agencies` agencies and the four standard levels, `devices` devices spread over them (all
/// cleared SECRET), each a real `Site` loaded through `SiteLoader` from its own files and store.
/// Sites meet as a sync connection would make them: each learns the others' certificates
/// (`Hello` and `Certificates`) and they exchange, through the real ingest path, the deltas the
/// other lacks at their common levels (what a round sends).
///
/// Uses only what every release since keys existed offers, so that the same scenario measures
/// the code before and after a change.
final class KeyLab {
    let directory: String
    let charter: Charter
    private(set) var sites: [Site] = []
    private let rootKeys: [AgencyRootKey]
    private var made = 0

    init(directory: String, agencies: Int) throws {
        self.directory = directory
        let now = Int64(Date().timeIntervalSince1970)
        rootKeys = try (1...agencies).map { AgencyRootKey.generate(name: try AgencyName("agency\($0)")) }
        var draft = try Charter.make(
            federationName: "keylab",
            agencies: rootKeys.map { AgencyInfo(name: $0.name, rootKey: $0.publicKey, ceiling: "SECRET") },
            threshold: min(2, agencies), issuedAt: now - 600)
        for key in rootKeys.prefix(min(2, agencies)) { draft = try draft.sign(with: key) }
        charter = try Charter.verifyGenesis(draft.signed)
        try charter.signed.write(to: directory + "/charter.cairn")
    }

    deinit { close() }

    func close() {
        // Harmless: closing is best effort at the end of a measurement.
        for site in sites { try? site.database.close() }
        sites = []
    }

    /// Certifies a new device (agencies in turn), loads its site, and returns it.
    @discardableResult
    func addSite() throws -> Site {
        made += 1
        let n = made
        let now = Int64(Date().timeIntervalSince1970)
        let rootKey = rootKeys[(n - 1) % rootKeys.count]
        let name = "d\(n)"
        let keys = DeviceSecretKeys.generate()
        try keys.write(to: "\(directory)/\(name).keys", passphrase: nil)
        let request = try CertificationRequest.verify(
            CertificationRequest.create(keys: keys, agency: rootKey.name, device: try DeviceName(name), createdAt: now))
        let certificate = try DeviceCertificate.issue(
            request: request, agencyKey: rootKey, charter: charter, clearance: "SECRET", notBefore: now - 300,
            notAfter: now + 365 * 86_400)
        try certificate.write(to: "\(directory)/\(name).cert")
        let text = """
            [device]
            keys = "\(name).keys"
            certificate = "\(name).cert"
            charter = "charter.cairn"
            [store]
            state_dir = "\(name)"
            [control]
            socket = "\(name).sock"
            [daemon]
            test_mode = true
            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: "\(directory)/\(name).toml"))
        let site = try SiteFixture.load(try DaemonConfig.load(path: "\(directory)/\(name).toml"), now: now)
        sites.append(site)
        return site
    }

    /// Every site learns every certificate, as the `Certificates` frames of a connected
    /// federation spread them.
    func introduceAll() throws {
        let certificates = sites.map(\.identity.certificate)
        for site in sites { try site.keys.learn(certificates.filter { $0.deviceID != site.identity.deviceID }, from: "lab") }
    }

    /// Sends `b` the deltas `a` holds and `b` lacks (levels both are cleared for: all here);
    /// returns how many `b` stored.
    @discardableResult
    func push(_ a: Site, to b: Site) throws -> Int {
        let held = b.ledger.read { $0.streams }
        var envelopes: [[UInt8]] = []
        for head in try a.database.streamHeads() {
            let author = try DeviceID(head.author)
            let have = held[StreamID(author: author, level: head.level)]?.sequence ?? 0
            guard head.sequence > have else { continue }
            envelopes += try a.database.deltas(author: head.author, level: head.level, fromSequence: have + 1, limit: 100_000)
                .map(\.envelope)
        }
        guard !envelopes.isEmpty else { return 0 }
        let report = try b.ingest.ingest(envelopes, from: DeltaSource(name: a.identity.ref.description, clearance: a.identity.clearance))
        return report.stored + report.released
    }

    /// Rounds of pushes along a sparse, fixed overlay (each site with the sites 1, 7 and 31
    /// places on, both ways) until a round stores nothing. Returns the rounds run.
    @discardableResult
    func settle(maxRounds: Int = 64) throws -> Int {
        let n = sites.count
        let steps = [1, 7, 31].filter { $0 < n }
        for round in 1...maxRounds {
            var stored = 0
            for i in 0..<n {
                for step in steps {
                    let j = (i + step) % n
                    guard i != j else { continue }
                    stored += try push(sites[i], to: sites[j])
                    stored += try push(sites[j], to: sites[i])
                }
            }
            if stored == 0 { return round }
        }
        throw FixtureError("the lab did not settle in \(maxRounds) rounds")
    }

    /// Deltas held by each site.
    func deltasHeld() throws -> [Int] {
        try sites.map { try $0.database.deltaCount() }
    }

    /// Grant deltas held by a site, and their bytes (envelopes).
    func grants(held site: Site) throws -> (count: Int, bytes: Int) {
        var count = 0
        var bytes = 0
        for head in try site.database.streamHeads() {
            for delta in try site.database.deltas(author: head.author, level: head.level, fromSequence: 1, limit: 1_000_000) {
                guard delta.kind == 1 else { continue }
                count += 1
                bytes += delta.envelope.count
            }
        }
        return (count, bytes)
    }
}
