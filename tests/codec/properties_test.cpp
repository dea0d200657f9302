// SPDX-License-Identifier: MIT
// The property table: wire types, placement and repeat rules (spec section 2.2.2.2, Table 2-4).
#include "check.hpp"

using namespace mqtk;
using namespace mqtk::codec;

TEST_CASE("every v5 property is defined once with its wire type", "[properties]") {
  int defined = 0;
  for (int id = 0; id < 256; ++id)
    defined += find_property(static_cast<std::uint8_t>(id)) != nullptr;
  CHECK(defined == 27);
  CHECK(find_property(0x0B)->type == wire_type::varint);
  CHECK(find_property(0x26)->type == wire_type::utf8_pair);
  CHECK(find_property(0x09)->type == wire_type::binary);
  CHECK(find_property(0x27)->type == wire_type::four_byte);
  CHECK(find_property(0x21)->type == wire_type::two_byte);
  CHECK(find_property(0x01)->type == wire_type::byte);
  CHECK(std::string(find_property(0x1F)->name) == "Reason String");
  CHECK(find_property(0x00) == nullptr);
  CHECK(find_property(0x04) == nullptr);
}

TEST_CASE("placement follows Table 2-4", "[properties]") {
  auto allowed = [](std::uint8_t id, property_context c) {
    return (find_property(id)->allowed & (1u << unsigned(c))) != 0;
  };
  CHECK(allowed(0x18, property_context::will)); // Will Delay Interval
  CHECK_FALSE(allowed(0x18, property_context::connect));
  CHECK(allowed(0x11, property_context::disconnect)); // Session Expiry Interval
  CHECK_FALSE(allowed(0x11, property_context::publish));
  CHECK(allowed(0x1F, property_context::auth)); // Reason String
  CHECK_FALSE(allowed(0x1F, property_context::connect));
  CHECK_FALSE(allowed(0x24, property_context::connect)); // Maximum QoS is CONNACK only
  CHECK(allowed(0x26, property_context::will));
  CHECK_FALSE(allowed(0x26, property_context::pingreq));
}

TEST_CASE("only User Property, and Subscription Identifier in PUBLISH, repeat", "[properties]") {
  CHECK(is_repeatable(property_id::user_property, property_context::connect));
  CHECK(is_repeatable(property_id::subscription_identifier, property_context::publish));
  CHECK_FALSE(is_repeatable(property_id::subscription_identifier, property_context::subscribe));
  CHECK_FALSE(is_repeatable(property_id::topic_alias, property_context::publish));
}

TEST_CASE("user properties keep their order and repeats", "[properties]") {
  publish p{"t", "", 0, 0, false, false, {}};
  p.props.user_properties = {{"k", "1"}, {"k", "2"}, {"a", ""}};
  buffer out;
  REQUIRE(encode(p, protocol_version::v5, out));
  CHECK(std::get<publish>(decode(out, protocol_version::v5).value()).props.user_properties ==
        p.props.user_properties);
}

TEST_CASE("the decoder notes the order property kinds first arrived in, outside equality",
          "[properties]") {
  // User Property k=v, Content Type "x", Subscription Identifier 5, User Property k=w.
  const auto bytes = testing::hex("30190001741426"
                                  "00016b000176"
                                  "03000178"
                                  "0b05"
                                  "2600016b000177"
                                  "70");
  const auto m = std::get<publish>(decode(bytes, protocol_version::v5).value());
  const auto& order = m.props.order;
  REQUIRE(order.count == 3);
  CHECK(order.ids[0] == std::uint8_t(property_id::user_property));
  CHECK(order.ids[1] == std::uint8_t(property_id::content_type));
  CHECK(order.ids[2] == std::uint8_t(property_id::subscription_identifier));
  properties same = m.props;
  same.order = {};
  CHECK(same == m.props); // the order of properties carries no meaning in MQTT
}

TEST_CASE("properties::empty", "[properties]") {
  properties p;
  CHECK(p.empty());
  p.user_properties.emplace_back("a", "b");
  CHECK_FALSE(p.empty());
}

TEST_CASE("properties are found by mosquitto's -D spelling of their Table 2-4 names",
          "[properties]") {
  const auto* p = find_property(std::string_view("message-expiry-interval"));
  REQUIRE(p != nullptr);
  CHECK(p->id == property_id::message_expiry_interval);
  CHECK(allowed_in(*p, property_context::publish));
  CHECK(allowed_in(*p, property_context::will));
  CHECK_FALSE(allowed_in(*p, property_context::connect));
  CHECK(find_property(std::string_view("user-property"))->type == wire_type::utf8_pair);
  CHECK(find_property(std::string_view("Message Expiry Interval")) == nullptr);
  CHECK(find_property(std::string_view("message-expiry")) == nullptr);
}
