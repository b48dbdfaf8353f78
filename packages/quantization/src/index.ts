// The public API of @retain/quantization: its modules are exported here as they land.
export {};
