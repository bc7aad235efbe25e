import { eventShapeProblem } from "../events"

describe("eventShapeProblem: a signed payload the webhook can read", () => {
  it("takes any object with a type and a data.object, whatever else it carries", () => {
    expect(eventShapeProblem({ id: "evt_1", type: "payment_intent.succeeded", data: { object: { id: "pi_1" } } })).toBeNull()
    expect(eventShapeProblem({ type: "x", data: { object: {} }, extra: [1] })).toBeNull()
  })

  it.each([
    ["an array", [{ type: "x", data: { object: {} } }], "is not a JSON object"],
    ["null", null, "is not a JSON object"],
    ["a string", "payment_intent.succeeded", "is not a JSON object"],
    ["no type", { data: { object: {} } }, "type: is missing or not a string"],
    ["an empty type", { type: "", data: { object: {} } }, "type: is missing or not a string"],
    ["a numeric type", { type: 7, data: { object: {} } }, "type: is missing or not a string"],
    ["no data", { type: "x" }, "data.object: is missing or not an object"],
    ["data as an array", { type: "x", data: [{ object: {} }] }, "data.object: is missing or not an object"],
    ["no data.object", { type: "x", data: {} }, "data.object: is missing or not an object"],
    ["data.object as a string", { type: "x", data: { object: "pi_1" } }, "data.object: is missing or not an object"],
    ["data.object as an array", { type: "x", data: { object: [] } }, "data.object: is missing or not an object"],
    ["data.object null", { type: "x", data: { object: null } }, "data.object: is missing or not an object"],
  ])("refuses %s", (_what, value, problem) => {
    expect(eventShapeProblem(value)).toBe(problem)
  })
})
