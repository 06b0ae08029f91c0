# {{ (.Values.a }}
