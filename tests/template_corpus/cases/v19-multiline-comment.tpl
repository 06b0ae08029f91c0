{{/*
 multi
 line
*/}}
# ok
