#pragma once

#include <httplib.h>

#include <cstdint>
#include <string>

namespace events::webload {

// What the tasks need to know; the same for every worker.
struct TaskOptions {
  std::string event_id;
  std::string email_prefix = "web";
  // The organiser's API key for api-capacity (from WEBLOAD_API_KEY, never a flag).
  std::string api_key;
};

// One repetition of a task by worker `worker` (its `n`-th), over the worker's own kept-alive
// connection; true when it counts. The first failure of the run is shown on stderr.
using Task = bool (*)(httplib::Client& client, const TaskOptions& o, int worker, int64_t n);

// The web pages, as a browser uses them (form_tasks.cc).
//   register: GET the sign-up form (its CSRF cookie and token), then POST the final step with
//     every answer, a new e-mail and an idempotency key, as after "Check your answers"; counts
//     only when the confirmation page came back;
//   page: GET the event's page.
bool RegisterThroughForm(httplib::Client& client, const TaskOptions& o, int worker, int64_t n);
bool GetEventPage(httplib::Client& client, const TaskOptions& o, int worker, int64_t n);

// The HTTP/JSON API under /api/v1, as an integration calls it (api_tasks.cc).
//   api-register: POST a JSON sign-up with a new e-mail and an Idempotency-Key; counts when
//     the answer is 200 with a registration in it;
//   api-capacity: GET the event's capacity with the organiser's key; counts on 200.
bool RegisterThroughApi(httplib::Client& client, const TaskOptions& o, int worker, int64_t n);
bool GetCapacityThroughApi(httplib::Client& client, const TaskOptions& o, int worker, int64_t n);

// Shows the first failure of the run on stderr ("GET /events/x/register: HTTP 503"); later
// ones are only counted. Thread-safe.
void ShowFailure(const std::string& what, const httplib::Result& res);

// GET, tried twice: the server closes a kept-alive connection after a number of requests,
// and a request that meets the closed connection is sent again on a new one, as browsers do.
httplib::Result GetWithRetry(httplib::Client& client, const std::string& path,
                             const httplib::Headers& headers = {});

}  // namespace events::webload
