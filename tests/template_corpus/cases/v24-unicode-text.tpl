# héllo {{ "wörld" }}
