#pragma once

#include <string>

#include "absl/status/status.h"

namespace events::testing {

// Writes a new P-256 key and a self-signed certificate for the IP address `ip` (its
// subjectAltName, and its CN), valid from a minute ago for a day, as PEM files. The
// certificate is its own CA (basicConstraints CA:TRUE), so a client that trusts that one file
// (libcurl's CURLOPT_CAINFO, say) verifies a server presenting it at `ip`. For tests only.
absl::Status WriteSelfSignedCertificate(const std::string& ip, const std::string& cert_path,
                                        const std::string& key_path);

}  // namespace events::testing
