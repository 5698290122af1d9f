package jenkins.model

/** jenkins.model.Jenkins: the singleton, its clouds (Jenkins.CloudList) and save(). */
class Jenkins {
    static Jenkins instance = new Jenkins()

    final CloudList clouds = new CloudList()
    int saves = 0

    static Jenkins get() {
        return instance
    }

    void save() {
        saves++
    }

    /** Jenkins.CloudList: a list of clouds that finds one by name. */
    static class CloudList extends ArrayList<Object> {
        Object getByName(String name) {
            return find { it.name == name }
        }
    }
}
