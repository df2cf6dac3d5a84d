#pragma once

#include <string>

#include "common/config/env_reader.h"
#include "services/web/api/api_routes.h"
#include "services/web/http/web_server.h"
#include "services/web/peers/backends.h"

// The web service's settings, from the environment (docs/web.md lists each with its default).
namespace events::web {

struct WebConfig {
  HttpOptions http;
  std::string trusted_proxies;  // WEB_TRUSTED_PROXIES, parsed into http.trusted_proxies
  int metrics_port = 9106;
  std::string log_format = "json";
  std::string log_level = "info";
  BackendAddresses backends;
  int deadline_ms = 3000;
  // How long public event data is kept (peers/public_data.h); 0 keeps nothing.
  int cache_ms = 2000;
  // May be empty: then a random key per process (fine for one replica; several must share).
  std::string csrf_key;
  bool secure_cookies = true;
  // The zone of the organiser console's own times (sign-ins, audit entries).
  std::string console_time_zone = "Europe/London";
  std::string public_url;
  int shutdown_grace_ms = 0;
  // The HTTP/JSON API: its addresses come from `backends`.
  api::ApiOptions api;
};

// Reads every setting; problems are recorded in `env` (call env.Finish()).
WebConfig ReadWebConfig(events::config::EnvReader& env);

}  // namespace events::web
