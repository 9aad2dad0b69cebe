import ArgumentParser
import CairnTrust
import Foundation

/// `cairn lab create`: write a complete local federation into a new directory.
struct LabCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a local test federation: agency keys, a signed charter, certified devices.",
        discussion: """
            Writes into DIR (which must not exist or be empty):
              lab.json           the manifest the other lab commands read
              charter.cairn      the genesis charter, signed by min(2, agencies)
                                 agencies
              agencies/NAME.key  agency root keys (unsealed, mode 0600, in a
                                 0700 directory)
              AGENCY-NAME/       one directory per device (mode 0700) with
                                 device.keys, device.cert, charter.cairn,
                                 state/ and cairnd.toml
            Each device's cairnd.toml runs in test mode, with its control socket at \
            AGENCY-NAME/cairnd.sock and its sync listener on a free loopback port.

            --agency NAME:CEILING adds an agency (CEILING a standard level: UNCLASSIFIED, \
            RESTRICTED, CONFIDENTIAL, SECRET). --device AGENCY/NAME[:CLEARANCE] adds a device \
            (clearance defaults to its agency's ceiling). With no --agency, the agencies are \
            those the devices name (ceiling SECRET), or alpha:SECRET; with no --device, each \
            agency gets one device named hq.

            Unix socket paths are limited to 107 bytes, so DIR must be short (such as /tmp/lab).

            Examples:
              cairn lab create /tmp/lab
              cairn lab create /tmp/lab2 --agency alpha:SECRET \\
                  --agency bravo:CONFIDENTIAL \\
                  --device alpha/hq --device alpha/laptop:RESTRICTED --device bravo/hq
            """)

    @Argument(help: ArgumentHelp("The lab directory to create.", valueName: "dir"))
    var directory: String

    @Option(
        name: .long, help: ArgumentHelp("An agency and its clearance ceiling (repeatable).", valueName: "name:ceiling"))
    var agency: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp("A device and its clearance (repeatable).", valueName: "agency/name[:clearance]"))
    var device: [String] = []

    func validate() throws {
        _ = try LabPlan(agencySpecs: agency, deviceSpecs: device)
    }

    func run() throws {
        let plan = try LabPlan(agencySpecs: agency, deviceSpecs: device)
        let paths = LabPaths(directory)
        let manifest = try LabBuilder(plan: plan, paths: paths).build()
        let charter = manifest.federation.fingerprint.prefix(16)
        Output.line("Created lab \(paths.root) (federation \(manifest.federation.name), charter \(charter)…):")
        for agency in manifest.agencies {
            Output.line("  agency \(agency.name) (ceiling \(agency.ceiling)): \(agency.keyFile)")
        }
        for device in manifest.devices {
            Output.line(
                "  device \(device.ref) (clearance \(device.clearance)): \(device.dir)/, sync \(device.syncListen)")
        }
        Output.line("Start it with: cairn lab up \(paths.root)")
    }
}

/// The agencies and devices a lab will have, parsed and checked before anything is written.
struct LabPlan {
    struct Agency {
        var name: AgencyName
        var ceiling: String
    }

    struct Device {
        var ref: DeviceRef
        var clearance: String
        var directoryName: String { "\(ref.agency.value)-\(ref.device.value)" }
    }

    let agencies: [Agency]
    let devices: [Device]
    /// The standard levels, lowest first: labs use the default charter lattice.
    let levels = Charter.standardLevels

    init(agencySpecs: [String], deviceSpecs: [String]) throws {
        let levels = Charter.standardLevels
        func level(_ text: String, in spec: String) throws -> String {
            guard levels.contains(text) else {
                throw ValidationError(
                    "\(spec): \"\(text)\" is not a level; use one of \(levels.joined(separator: ", ")).")
            }
            return text
        }
        var parsedDevices: [(ref: DeviceRef, clearance: String?)] = []
        for spec in deviceSpecs {
            let parts = spec.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let ref = try? DeviceRef.parse(parts[0]) else {
                throw ValidationError("--device \"\(spec)\" is not AGENCY/NAME[:CLEARANCE] (names: a-z, 0-9 and -).")
            }
            let clearance = parts.count == 2 ? try level(parts[1], in: "--device \(spec)") : nil
            guard !parsedDevices.contains(where: { $0.ref == ref }) else {
                throw ValidationError("--device \(ref) is given twice.")
            }
            parsedDevices.append((ref, clearance))
        }
        var agencies: [Agency] = []
        for spec in agencySpecs {
            let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, let name = try? AgencyName(parts[0]) else {
                throw ValidationError("--agency \"\(spec)\" is not NAME:CEILING (names: a-z, 0-9 and -).")
            }
            guard !agencies.contains(where: { $0.name == name }) else {
                throw ValidationError("--agency \(name) is given twice.")
            }
            agencies.append(Agency(name: name, ceiling: try level(parts[1], in: "--agency \(spec)")))
        }
        if agencies.isEmpty {
            for ref in parsedDevices.map(\.ref) where !agencies.contains(where: { $0.name == ref.agency }) {
                agencies.append(Agency(name: ref.agency, ceiling: "SECRET"))
            }
            if agencies.isEmpty { agencies = [Agency(name: try AgencyName("alpha"), ceiling: "SECRET")] }
        }
        if parsedDevices.isEmpty {
            parsedDevices = try agencies.map { (DeviceRef(agency: $0.name, device: try DeviceName("hq")), nil) }
        }
        var devices: [Device] = []
        for (ref, clearance) in parsedDevices {
            guard let agency = agencies.first(where: { $0.name == ref.agency }) else {
                throw ValidationError("--device \(ref): agency \(ref.agency) is not among the --agency options.")
            }
            let cleared = clearance ?? agency.ceiling
            guard levels.firstIndex(of: cleared)! <= levels.firstIndex(of: agency.ceiling)! else {
                throw ValidationError(
                    "--device \(ref): clearance \(cleared) is above agency \(agency.name)'s ceiling \(agency.ceiling).")
            }
            let device = Device(ref: ref, clearance: cleared)
            if let clash = devices.first(where: { $0.directoryName == device.directoryName }) {
                throw ValidationError(
                    "--device \(ref) and \(clash.ref) would share the directory \(device.directoryName).")
            }
            devices.append(device)
        }
        self.agencies = agencies
        self.devices = devices
    }
}
