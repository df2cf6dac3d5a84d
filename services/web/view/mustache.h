#pragma once

// The one place that includes the template engine (Debian's libkainjow-mustache-dev).
#include <kainjow/mustache.hpp>
#include <string>

namespace events::web {

using Data = kainjow::mustache::data;
using DataList = kainjow::mustache::list;
using DataObject = kainjow::mustache::object;

}  // namespace events::web
