# {{ (.Values.a).b }} {{ (dict "k" "v").k }}
