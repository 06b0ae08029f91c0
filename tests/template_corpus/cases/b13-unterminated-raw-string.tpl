# {{ `abc }}
# more
