//! rustls errors → the codes and messages Node (OpenSSL) gives for the same
//! failure (`ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION`, `ERR_SSL_NO_SHARED_CIPHER`, ...).

use rustls::{
    AlertDescription as A, Error as E, InvalidMessage as IM, PeerIncompatible as PI,
    PeerMisbehaved as PM,
};

/// Node's `err.code` for a failed handshake or record.
pub(crate) fn code_of(e: &E) -> &'static str {
    match e {
        E::AlertReceived(a) => alert_code(*a),
        E::NoApplicationProtocol => "ERR_SSL_NO_APPLICATION_PROTOCOL",
        E::NoCertificatesPresented => "ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE",
        E::DecryptError => "ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC",
        // A record header announcing more than 2^14 + 2048 bytes: OpenSSL's
        // SSL_R_PACKET_LENGTH_TOO_LONG.
        E::InvalidMessage(IM::MessageTooLarge) => "ERR_SSL_PACKET_LENGTH_TOO_LONG",
        E::InvalidMessage(_) => "ERR_SSL_WRONG_VERSION_NUMBER",
        E::InappropriateMessage { .. } | E::InappropriateHandshakeMessage { .. } => {
            "ERR_SSL_UNEXPECTED_MESSAGE"
        }
        E::PeerIncompatible(pi) => match pi {
            PI::NoCipherSuitesInCommon => "ERR_SSL_NO_SHARED_CIPHER",
            PI::NoKxGroupsInCommon | PI::NoEcPointFormatsInCommon => {
                "ERR_SSL_NO_SUITABLE_KEY_SHARE"
            }
            PI::Tls12NotOffered
            | PI::Tls12NotOfferedOrEnabled
            | PI::Tls13RequiredForQuic
            | PI::SupportedVersionsExtensionRequired
            | PI::ServerDoesNotSupportTls12Or13 => "ERR_SSL_UNSUPPORTED_PROTOCOL",
            PI::NoSignatureSchemesInCommon | PI::SignatureAlgorithmsExtensionRequired => {
                "ERR_SSL_NO_SUITABLE_SIGNATURE_ALGORITHM"
            }
            _ => "ERR_SSL_HANDSHAKE_FAILURE",
        },
        E::PeerMisbehaved(pm) => match pm {
            PM::SelectedUnofferedApplicationProtocol => "ERR_SSL_NO_APPLICATION_PROTOCOL",
            _ => "ERR_SSL_UNEXPECTED_MESSAGE",
        },
        E::InvalidCertificate(_) => "ERR_SSL_CERTIFICATE_VERIFY_FAILED",
        E::PeerSentOversizedRecord => "ERR_SSL_RECORD_OVERFLOW",
        E::HandshakeNotComplete => "ERR_SSL_HANDSHAKE_FAILURE",
        _ => "ERR_SSL_INTERNAL_ERROR",
    }
}

/// OpenSSL's `SSL_R_SSLV3_ALERT_*` / `SSL_R_TLSV1_ALERT_*` names for a received alert.
fn alert_code(a: A) -> &'static str {
    match a {
        A::CloseNotify => "ERR_SSL_SSL_HANDSHAKE_FAILURE",
        A::UnexpectedMessage => "ERR_SSL_SSLV3_ALERT_UNEXPECTED_MESSAGE",
        A::BadRecordMac => "ERR_SSL_SSLV3_ALERT_BAD_RECORD_MAC",
        A::DecompressionFailure => "ERR_SSL_SSLV3_ALERT_DECOMPRESSION_FAILURE",
        A::HandshakeFailure => "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE",
        A::NoCertificate => "ERR_SSL_SSLV3_ALERT_NO_CERTIFICATE",
        A::BadCertificate => "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE",
        A::UnsupportedCertificate => "ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE",
        A::CertificateRevoked => "ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED",
        A::CertificateExpired => "ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED",
        A::CertificateUnknown => "ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN",
        A::IllegalParameter => "ERR_SSL_SSLV3_ALERT_ILLEGAL_PARAMETER",
        A::DecryptionFailed => "ERR_SSL_TLSV1_ALERT_DECRYPTION_FAILED",
        A::RecordOverflow => "ERR_SSL_TLSV1_ALERT_RECORD_OVERFLOW",
        A::UnknownCA => "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA",
        A::AccessDenied => "ERR_SSL_TLSV1_ALERT_ACCESS_DENIED",
        A::DecodeError => "ERR_SSL_TLSV1_ALERT_DECODE_ERROR",
        A::DecryptError => "ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR",
        A::ExportRestriction => "ERR_SSL_TLSV1_ALERT_EXPORT_RESTRICTION",
        A::ProtocolVersion => "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION",
        A::InsufficientSecurity => "ERR_SSL_TLSV1_ALERT_INSUFFICIENT_SECURITY",
        A::InternalError => "ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR",
        A::InappropriateFallback => "ERR_SSL_TLSV1_ALERT_INAPPROPRIATE_FALLBACK",
        A::UserCanceled => "ERR_SSL_TLSV1_ALERT_USER_CANCELLED",
        A::NoRenegotiation => "ERR_SSL_TLSV1_ALERT_NO_RENEGOTIATION",
        A::MissingExtension => "ERR_SSL_TLSV13_ALERT_MISSING_EXTENSION",
        A::UnsupportedExtension => "ERR_SSL_TLSV1_ALERT_UNSUPPORTED_EXTENSION",
        A::UnrecognisedName => "ERR_SSL_TLSV1_UNRECOGNIZED_NAME",
        A::BadCertificateStatusResponse => "ERR_SSL_TLSV1_BAD_CERTIFICATE_STATUS_RESPONSE",
        A::UnknownPSKIdentity => "ERR_SSL_TLSV1_ALERT_UNKNOWN_PSK_IDENTITY",
        A::CertificateRequired => "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED",
        A::NoApplicationProtocol => "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL",
        _ => "ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR",
    }
}

/// A message in OpenSSL's words where they differ from rustls's.
pub(crate) fn message_of(e: &E) -> String {
    match e {
        E::AlertReceived(a) => {
            let name = alert_code(*a)
                .trim_start_matches("ERR_SSL_")
                .replace('_', " ")
                .to_lowercase();
            format!("{name} (alert received from peer)")
        }
        E::NoApplicationProtocol => "no application protocol".into(),
        E::InvalidMessage(IM::MessageTooLarge) => "packet length too long".into(),
        E::PeerIncompatible(PI::NoCipherSuitesInCommon) => "no shared cipher".into(),
        other => other.to_string(),
    }
}
