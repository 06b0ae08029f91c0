# {{ env "HOME" }}
