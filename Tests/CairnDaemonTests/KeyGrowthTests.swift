import CairnControl
import CairnModel
import Foundation
import Testing

@testable import CairnDaemon

/// What keys cost a federation, counted on real sites in one process (`KeyLab`): the deltas
/// each site holds once a lab has settled, and how grants grow with the number of devices.
/// Figures are printed (`keylab:` lines) for Docs/Performance.md.
@Suite(.serialized) struct KeyGrowthTests {
    /// The lab of issue 15: 12 devices of 4 agencies, 4 levels, one record written.
    @Test func aTwelveDeviceLabHoldsFewDeltasPerSite() throws {
        try withTemporaryDirectory { directory in
            let lab = try KeyLab(directory: directory, agencies: 4)
            defer { lab.close() }
            for _ in 0..<12 { try lab.addSite() }
            try lab.introduceAll()
            try lab.settle()
            _ = try lab.sites[0].records.put(PutRecordRequest(id: "one", type: "note", classification: "SECRET", fields: ["v": 1]))
            let rounds = try lab.settle()
            for site in lab.sites { #expect(try site.records.document(id: "one").fields["v"] == 1) }
            let held = try lab.deltasHeld()
            let grants = try lab.grants(held: lab.sites[0])
            print("keylab: devices 12 agencies 4 levels 4 records 1 deltas_held_per_site max \(held.max()!) min \(held.min()!) grant_deltas \(grants.count) grant_bytes \(grants.bytes) rounds \(rounds)")
            // Issue 15's moonshot: at most 60 (1,450 before keys were minted lazily and granted in copies).
            #expect(held.max()! <= 60, "\(held)")
        }
    }

    /// Grants grow linearly with the federation: n devices, a first record (its writer mints
    /// the key), then a record by every device, then n/8 devices joining one at a time.
    /// Sizes from `CAIRN_KEYLAB_SIZES` (comma-separated; 8,16,32 by default).
    @Test func grantsGrowLinearlyWithTheFederation() throws {
        let sizes = (ProcessInfo.processInfo.environment["CAIRN_KEYLAB_SIZES"] ?? "8,16,32").split(separator: ",").compactMap { Int($0) }
        for n in sizes {
            try withTemporaryDirectory { directory in
                let started = Date()
                let lab = try KeyLab(directory: directory, agencies: 4)
                defer { lab.close() }
                for _ in 0..<n { try lab.addSite() }
                try lab.introduceAll()
                try lab.settle()
                _ = try lab.sites[0].records.put(PutRecordRequest(id: "first", type: "note", classification: "SECRET", fields: ["v": 0]))
                try lab.settle()
                for (index, site) in lab.sites.enumerated() {
                    _ = try site.records.put(PutRecordRequest(id: "r-\(index)", type: "note", classification: "SECRET", fields: ["v": .int(Int64(index))]))
                }
                try lab.settle()
                let joiners = max(1, n / 8)
                for _ in 0..<joiners {
                    try lab.addSite()
                    try lab.introduceAll()
                    try lab.settle()
                }
                let last = try #require(lab.sites.last)
                #expect(try last.records.document(id: "r-\(n - 1)").fields["v"] == .int(Int64(n - 1)))
                let held = try lab.deltasHeld()
                let grants = try lab.grants(held: lab.sites[0])
                let seconds = Date().timeIntervalSince(started)
                print("keylab: devices \(n) joiners \(joiners) records \(n + 1) deltas_held_per_site max \(held.max()!) min \(held.min()!) grant_deltas \(grants.count) grant_bytes \(grants.bytes) seconds \(Int(seconds))")
                // One grant delta when the key is minted (one per 256 recipients) and one per
                // joiner; every other delta is a record.
                #expect(grants.count <= 1 + (n + joiners) / 256 + joiners, "\(grants.count) grant deltas")
                #expect(held.max()! <= n + 1 + grants.count)
            }
        }
    }
}
