import CairnWire
import SwiftProtobuf

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Raw, unvalidated views of the signed bodies, converted explicitly to and from the generated
// protobuf types (`Cairn_V1_*` never leaves this module). Validation happens in the verifiers;
// tests build invalid bodies from these to reach checks that issuing code would refuse.

/// One `cairn.v1.AgencyEntry` as carried.
struct AgencyFields: Equatable {
    var name: String
    var rootKey: [UInt8]
    var ceiling: String
}

/// A `cairn.v1.Charter` body as carried.
struct CharterFields: Equatable {
    var federationID: [UInt8]
    var federationName: String
    var version: UInt64
    var levels: [String]
    var agencies: [AgencyFields]
    var threshold: UInt32
    var issuedAt: Int64
    /// Raw `downgrade` value: 0 (absent) is the default rule; `CharterContent` checks it.
    var downgrade: Int = 0

    func encoded() -> [UInt8] {
        var message = Cairn_V1_Charter()
        message.federationID = Data(federationID)
        message.federationName = federationName
        message.version = version
        message.levels = levels
        message.agencies = agencies.map { agency in
            var entry = Cairn_V1_AgencyEntry()
            entry.name = agency.name
            entry.rootKey = Data(agency.rootKey)
            entry.ceiling = agency.ceiling
            return entry
        }
        message.threshold = threshold
        message.issuedAt = issuedAt
        message.downgrade = Cairn_V1_DowngradeRule(rawValue: downgrade) ?? .UNRECOGNIZED(downgrade)
        return BodyCodec.encode(message)
    }

    static func decode(_ body: [UInt8]) throws -> CharterFields {
        let message: Cairn_V1_Charter = try BodyCodec.decode(body, what: "charter")
        guard message.agencies.allSatisfy({ $0.unknownFields.data.isEmpty }) else {
            throw BodyCodec.unknownFieldsError("charter")
        }
        return CharterFields(
            federationID: Array(message.federationID), federationName: message.federationName,
            version: message.version, levels: message.levels,
            agencies: message.agencies.map {
                AgencyFields(name: $0.name, rootKey: Array($0.rootKey), ceiling: $0.ceiling)
            },
            threshold: message.threshold, issuedAt: message.issuedAt, downgrade: message.downgrade.rawValue)
    }
}

/// A `cairn.v1.DeviceCertificate` body as carried.
struct CertificateFields: Equatable {
    var federationID: [UInt8]
    var agency: String
    var device: String
    var signingKey: [UInt8]
    var wrappingKey: [UInt8]
    var tlsKey: [UInt8]
    var clearance: String
    var notBefore: Int64
    var notAfter: Int64
    var serial: [UInt8]
    var charterVersion: UInt64

    func encoded() -> [UInt8] {
        var message = Cairn_V1_DeviceCertificate()
        message.federationID = Data(federationID)
        message.agency = agency
        message.device = device
        message.signingKey = Data(signingKey)
        message.wrappingKey = Data(wrappingKey)
        message.tlsKey = Data(tlsKey)
        message.clearance = clearance
        message.notBefore = notBefore
        message.notAfter = notAfter
        message.serial = Data(serial)
        message.charterVersion = charterVersion
        return BodyCodec.encode(message)
    }

    static func decode(_ body: [UInt8]) throws -> CertificateFields {
        let message: Cairn_V1_DeviceCertificate = try BodyCodec.decode(body, what: "certificate")
        return CertificateFields(
            federationID: Array(message.federationID), agency: message.agency, device: message.device,
            signingKey: Array(message.signingKey), wrappingKey: Array(message.wrappingKey),
            tlsKey: Array(message.tlsKey), clearance: message.clearance, notBefore: message.notBefore,
            notAfter: message.notAfter, serial: Array(message.serial), charterVersion: message.charterVersion)
    }
}

/// A `cairn.v1.CertificationRequest` body as carried.
struct RequestFields: Equatable {
    var agency: String
    var device: String
    var signingKey: [UInt8]
    var wrappingKey: [UInt8]
    var tlsKey: [UInt8]
    var createdAt: Int64

    func encoded() -> [UInt8] {
        var message = Cairn_V1_CertificationRequest()
        message.agency = agency
        message.device = device
        message.signingKey = Data(signingKey)
        message.wrappingKey = Data(wrappingKey)
        message.tlsKey = Data(tlsKey)
        message.createdAt = createdAt
        return BodyCodec.encode(message)
    }

    static func decode(_ body: [UInt8]) throws -> RequestFields {
        let message: Cairn_V1_CertificationRequest = try BodyCodec.decode(body, what: "certification request")
        return RequestFields(
            agency: message.agency, device: message.device, signingKey: Array(message.signingKey),
            wrappingKey: Array(message.wrappingKey), tlsKey: Array(message.tlsKey), createdAt: message.createdAt)
    }
}

/// A `cairn.v1.Revocation` body as carried.
struct RevocationFields: Equatable {
    var federationID: [UInt8]
    var agency: String
    var device: String
    var certificateSerial: [UInt8]
    var effectiveAt: Int64
    var reason: String

    func encoded() -> [UInt8] {
        var message = Cairn_V1_Revocation()
        message.federationID = Data(federationID)
        message.agency = agency
        message.device = device
        message.certificateSerial = Data(certificateSerial)
        message.effectiveAt = effectiveAt
        message.reason = reason
        return BodyCodec.encode(message)
    }

    static func decode(_ body: [UInt8]) throws -> RevocationFields {
        let message: Cairn_V1_Revocation = try BodyCodec.decode(body, what: "revocation")
        return RevocationFields(
            federationID: Array(message.federationID), agency: message.agency, device: message.device,
            certificateSerial: Array(message.certificateSerial), effectiveAt: message.effectiveAt,
            reason: message.reason)
    }
}

/// Protobuf encoding and strict decoding of bodies.
enum BodyCodec {
    static func encode(_ message: some SwiftProtobuf.Message) -> [UInt8] {
        // Proto3 messages have no required fields, so encoding cannot fail.
        try! message.serializedBytes()
    }

    /// Decodes a body, refusing fields this version does not know: a trust object may carry a
    /// rule an older verifier would otherwise silently ignore, so it must be refused instead.
    static func decode<M: SwiftProtobuf.Message>(_ body: [UInt8], what: String) throws -> M {
        let message: M
        do {
            message = try M(serializedBytes: body)
        } catch {
            throw TrustError.malformedObject(what: what, reason: "\(error)")
        }
        guard message.unknownFields.data.isEmpty else { throw unknownFieldsError(what) }
        return message
    }

    static func unknownFieldsError(_ what: String) -> TrustError {
        TrustError.malformedObject(what: what, reason: "fields unknown to this Cairn version; upgrade Cairn")
    }
}
